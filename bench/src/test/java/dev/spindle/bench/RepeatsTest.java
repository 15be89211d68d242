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
    void steadyStateIsTheMedianOfTheLastHalfAndKeepsTheColdRun() throws Exception
    {
        final double[] values = {90, 50, 12, 10, 11};
        final int[] calls = {0};
        final Result r = Repeats.steady(() -> result(values[calls[0]++], 1, 1), 5);
        assertEquals(5, calls[0], "every run is made");
        assertEquals(11, r.value(), "median of the last three (12, 10, 11), not of all five (12)");
        assertEquals(3, r.extra().get(Result.RUNS));
        assertEquals(10, r.extra().get(Result.MIN));
        assertEquals(12, r.extra().get(Result.MAX));
        assertEquals(90, r.extra().get(Repeats.FIRST_RUN), "the cold run still shows");
        assertEquals(3, r.extra().get("x/lost_count"), "counts add up over the runs that count");
        assertEquals(1, Repeats.steadyHalf(2));
        assertEquals(2, Repeats.steadyHalf(3));
    }

    @Test
    void aSteadyRunThatFailsStopsTheSeriesAndSaysWhichRun() throws Exception
    {
        final int[] calls = {0};
        final Result r = Repeats.steady(() -> ++calls[0] == 3 ? Result.none("timeout") : result(1, 1, 0), 6);
        assertEquals(3, calls[0], "no run after the failed one");
        assertFalse(r.ok());
        assertEquals("timeout (steady run 3 of 6)", r.note());
        final Result first = Result.none("n/a");
        assertSame(first, Repeats.steady(() -> first, 4), "a first run that does not apply is the answer as it is");
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
