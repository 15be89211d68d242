package dev.spindle.bench;

import dev.spindle.bench.cases.Result;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RepeatsTest
{
    private static Result result(final double value, final double p99, final double lost)
    {
        final Result r = Result.of(value);
        r.extra().put("p99_ns", p99);
        r.extra().put("x/lost_count", lost);
        r.extra().put("x/samples", 10.0);
        return r;
    }

    @Test
    void theMedianRunSpeaksForAllWithItsSpreadAndCountsAddUp()
    {
        final Result r = Repeats.fold(List.of(result(30, 300, 1), result(10, 100, 0), result(20, 200, 2)), 3);
        assertEquals(20, r.value());
        assertEquals(200, r.extra().get("p99_ns"), "extras from the median run, not mixed");
        assertEquals(3, r.extra().get("x/lost_count"), "counts add up over the runs");
        assertEquals(10, r.extra().get("x/samples"), "not a count: from the median run");
        assertEquals(3, r.extra().get(Result.RUNS));
        assertEquals(10, r.extra().get(Result.MIN));
        assertEquals(30, r.extra().get(Result.MAX));
        assertEquals(" ±50%", r.spread());
    }

    @Test
    void anEvenNumberOfRunsAveragesTheMiddleTwo()
    {
        final Result r = Repeats.fold(List.of(result(10, 1, 0), result(40, 4, 0)));
        assertEquals(25, r.value());
        assertEquals(1, r.extra().get("p99_ns"), "extras from the lower middle run");
    }

    @Test
    void oneRunIsLeftAsItIs()
    {
        final Result one = result(5, 50, 0);
        assertSame(one, Repeats.fold(List.of(one), 1));
        assertEquals("", one.spread());
    }

    @Test
    void aFailedRunIsTheResultAndSaysWhichRunFailed()
    {
        final Result timeout = Result.none("timeout");
        assertSame(timeout, Repeats.failedRun(timeout, 0, 5), "the first run: as it is");
        final Result r = Repeats.failedRun(timeout, 1, 5);
        assertFalse(r.ok());
        assertEquals("timeout (run 2 of 5)", r.note());
    }
}
