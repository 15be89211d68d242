package dev.spindle.bench.soak;

import dev.spindle.Pid;
import dev.spindle.bench.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The soak's verdicts (exact accounting, flatness) on hand-made histories, its command line, a
 * short real run that passes and one with a planted loss that must fail.
 */
class SoakTest
{
    /**
     * Runtime bugs the soak found that the lead is fixing (docs/soak.md, "Findings"): lost receive
     * wake-ups and late timers. Until then a real run may report them; drop these once fixed.
     */
    private static final String[] KNOWN_TODAY = {}; // the runtime bugs the soak found are fixed

    private record Outcome(int code, String out, String err)
    {
    }

    private static Outcome run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static SeqLog log(final int[] sent, final int[] done)
    {
        final SeqLog log = new SeqLog(1, new Pid(0, 7, 0));
        for (final int s : sent)
        {
            log.sent(s);
        }
        for (final int d : done)
        {
            log.done(d);
        }
        return log;
    }

    @Test
    void everyMessageProcessedOnceInOrderPasses()
    {
        final Failures f = new Failures();
        final SeqLog.Verdict v = log(new int[] {1, 3, 4, 9}, new int[] {1, 3, 4, 9}).verify("message", f);
        assertEquals(0, f.total(), f.samples().toString());
        assertEquals(4, v.processed);
        assertEquals(0, v.explained + v.unexplained);
    }

    @Test
    void aTailLostWithTheReceiversDeathIsExplainedOnlyIfTheSenderLearnedIt()
    {
        final Failures f = new Failures();
        final SeqLog dead = log(new int[] {1, 2, 3, 4}, new int[] {1, 2});
        dead.deadReason = "killed";
        final SeqLog.Verdict v = dead.verify("message", f);
        assertEquals(0, f.total(), f.samples().toString());
        assertEquals(2, v.processed);
        assertEquals(2, v.explained);

        final SeqLog.Verdict silent = log(new int[] {1, 2, 3, 4}, new int[] {1, 2}).verify("message", f);
        assertEquals(2, silent.unexplained);
        assertEquals(1L, f.counts().get(Failures.LOSS), f.samples().toString());
    }

    @Test
    void aGapWhileTheReceiverLivedIsALossEvenIfItDiedLater()
    {
        final Failures f = new Failures();
        final SeqLog gap = log(new int[] {1, 2, 3, 4}, new int[] {1, 3});
        gap.deadReason = "killed"; // its death explains the tail, not the hole
        final SeqLog.Verdict v = gap.verify("message", f);
        assertEquals(1L, f.counts().get(Failures.LOSS), f.samples().toString());
        assertTrue(f.samples().get(0).contains("message 2"), f.samples().toString());
        assertEquals(1, v.processed);
        assertEquals(3, v.unexplained);
    }

    @Test
    void duplicatesAndReorderingAreReportedAsSuch()
    {
        final Failures dup = new Failures();
        log(new int[] {1, 2, 3}, new int[] {1, 2, 2, 3}).verify("message", dup);
        assertEquals(1L, dup.counts().get(Failures.DUPLICATE), dup.samples().toString());

        final Failures extra = new Failures();
        log(new int[] {1, 2}, new int[] {1, 2, 2}).verify("message", extra);
        assertEquals(1L, extra.counts().get(Failures.DUPLICATE), extra.samples().toString());

        final Failures order = new Failures();
        log(new int[] {1, 2, 3}, new int[] {1, 3, 2}).verify("message", order);
        assertEquals(1L, order.counts().get(Failures.ORDER), order.samples().toString());
    }

    @Test
    void flatnessToleratesNoiseAndCatchesAGrowingSeries()
    {
        final double[] noisy = {100, 104, 98, 101, 103, 99, 102, 100, 97};
        assertTrue(Flatness.check("heap", "MiB", noisy, 16, 0.25).ok());
        final double[] leak = {100, 110, 120, 130, 140, 150, 160, 170, 180};
        final Flatness.Verdict v = Flatness.check("heap", "MiB", leak, 16, 0.25);
        assertFalse(v.ok(), v.describe());
        assertTrue(v.describe().contains("GREW"), v.describe());
        assertEquals(110, v.early(), 1e-9);
        assertEquals(170, v.late(), 1e-9);
        // One wild round in the middle moves neither median.
        assertTrue(Flatness.check("rss", "MiB", new double[] {100, 101, 400, 100, 102, 101}, 64, 0.15).ok());
        final Flatness.Verdict few = Flatness.check("threads", "threads", new double[] {12}, 2, 0);
        assertTrue(few.ok());
        assertFalse(few.judged());
    }

    @Test
    void badInputGetsOneClearLineAndExitCode2()
    {
        for (final String[] args : new String[][] {{"soak", "--minutes", "x"}, {"soak", "--minutes", "-1"}, {"soak", "--queues", "fast"},
            {"soak", "--known-failure", "nope"}, {"soak", "--inject", "nope"}, {"soak", "--frobnicate"}, {"soak", "--seed"},
            {"soak", "--restart-every", "-2"}})
        {
            final Outcome o = run(args);
            assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
            assertTrue(o.err().startsWith("spindle: --") || o.err().contains("unknown option"), o.err());
        }
        final Outcome help = run("soak", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--minutes") && help.out().contains(Failures.STUCK_RECEIVE), help.out());
    }

    @Test
    void aShortSoakPassesAndWritesItsFigures() throws Exception
    {
        final Path dir = Files.createTempDirectory("spindle-soak-test");
        final String[] args = {"soak", "--minutes", "0.05", "--round-seconds", "1", "--warmup", "0", "--restart-every", "1", "--seed", "11",
            "--schedulers", "2", "--out", dir.toString()};
        final Outcome o = run(concat(args, KNOWN_TODAY));
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("SOAK PASSED"), o.out());
        assertTrue(o.out().contains("0 unexplained"), o.out());
        final String json = Files.readString(dir.resolve("soak.json"));
        assertTrue(json.contains("\"passed\": true"), json);
        assertTrue(json.contains("\"processes_left\": 0"), json);
        assertTrue(json.contains("\"spindle_threads\": 0"), "a closed node leaves no spindle thread: " + json);
    }

    @Test
    void aPlantedLossFailsTheSoak()
    {
        final Outcome o = run(concat(new String[] {"soak", "--minutes", "0.02", "--round-seconds", "1", "--warmup", "0", "--seed", "3",
            "--schedulers", "2", "--inject", "drop"}, KNOWN_TODAY));
        assertEquals(1, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("loss: "), o.out());
        assertTrue(o.out().contains("lost while the receiver lived"), o.out());
        assertTrue(o.out().contains("SOAK FAILED"), o.out());
    }

    private static String[] concat(final String[] a, final String[] b)
    {
        final String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
