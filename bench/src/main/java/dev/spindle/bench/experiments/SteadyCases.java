package dev.spindle.bench.experiments;

import dev.spindle.IdleMode;
import dev.spindle.RunQueues;
import dev.spindle.bench.actors.SpindleActors;
import dev.spindle.bench.cases.Big;
import dev.spindle.bench.cases.Case;
import dev.spindle.bench.cases.Chameneos;
import dev.spindle.bench.cases.Counting;
import dev.spindle.bench.cases.FanIn;
import dev.spindle.bench.cases.ForkJoin;
import dev.spindle.bench.cases.PingPong;
import dev.spindle.bench.cases.Ring;
import dev.spindle.bench.cases.Scale;
import dev.spindle.bench.cases.Skynet;
import dev.spindle.bench.cases.Spawn;

import java.util.Arrays;
import java.util.List;

/**
 * The bench's twelve throughput and latency cases on the bench's Spindle peer (two schedulers
 * pinned to CPUs 0 and 1, BACKOFF), each run {@code runs} times in a row, reporting the median of
 * the last half: what {@code ./spindle bench --steady N} reports, on one line, through nothing
 * but the cases and the peer. So it also runs against an older tree whose command has no
 * {@code --steady}: launched as a source file with that tree's bench jar on the class path, it
 * compiles against that tree's cases (docs/performance.md, ninth round, where it compared the
 * start with this tree). Copied out of this source tree first, or the launcher compiles this
 * tree's sources beside it:
 *
 * <pre>mkdir -p /tmp/sc/dev/spindle/bench/experiments
 *cp bench/src/main/java/dev/spindle/bench/experiments/SteadyCases.java /tmp/sc/dev/spindle/bench/experiments/
 *java $FLAGS -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp OLD/spindle-bench.jar /tmp/sc/dev/spindle/bench/experiments/SteadyCases.java 6</pre>
 */
public final class SteadyCases
{
    private SteadyCases()
    {
    }

    /**
     * @param args runs per case (default 6, at least 2), then optionally the cases to run,
     *             comma-separated (default all twelve).
     * @throws Exception when a case fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final int runs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        if (runs < 2)
        {
            throw new IllegalArgumentException("runs must be at least 2, was " + runs);
        }
        final List<String> only = args.length > 1 ? Arrays.asList(args[1].split(",")) : null;
        final List<Case> cases = List.of(new PingPong(false), new PingPong(true), Ring.beamRing(), new Skynet(), new Spawn(),
            new FanIn(), Ring.threadRing(), new Counting(), new Chameneos(), new Big(), new ForkJoin(false), new ForkJoin(true));
        final Scale scale = new Scale(false, 120);
        final StringBuilder line = new StringBuilder();
        try (SpindleActors peer = new SpindleActors("spindle", RunQueues.NATIVE, new int[] {0, 1}, 2, IdleMode.BACKOFF))
        {
            for (final Case c : cases)
            {
                if (only != null && !only.contains(c.name()))
                {
                    continue;
                }
                final double[] v = new double[runs];
                for (int i = 0; i < runs; i++)
                {
                    v[i] = c.run(peer, scale).value();
                }
                final double[] last = Arrays.copyOfRange(v, runs / 2, runs);
                Arrays.sort(last);
                line.append(String.format("%s=%.2f ", c.name(), last[(last.length - 1) / 2]));
            }
        }
        System.out.println(line.toString().trim());
    }
}
