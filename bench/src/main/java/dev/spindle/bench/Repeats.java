package dev.spindle.bench;

import dev.spindle.bench.cases.Result;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code --repeat N}: the runs of a case on one peer (one per round, see {@code Main}) fold into one result: the
 * median value, with the spread in the extras {@link Result#RUNS}, {@link Result#MIN} and {@link Result#MAX}. The other
 * extras and the percentile curve come from the run whose value is the median (the lower middle
 * one for even N), so a row's figures always belong together; extras named {@code *_count} (the
 * timers case's early and lost timers) are added up over the runs instead, so none is hidden.
 * A run that fails (timeout, error, or a result with a note) is the result, and later rounds skip it.
 */
final class Repeats
{
    /** Extra of a {@code --steady} result: the figure of its first (cold) run. */
    static final String FIRST_RUN = "first_run";

    private Repeats()
    {
    }

    /**
     * @param runs  successful runs of one case on one peer, at least one.
     * @param times how many were planned (1: the run itself, unchanged).
     * @return the one run, or their median with min/max spread.
     */
    static Result fold(final List<Result> runs, final int times)
    {
        return times == 1 && runs.size() == 1 ? runs.get(0) : fold(runs);
    }

    /**
     * @param r     a run that failed (timeout, error, or a result with a note); later rounds skip the
     *              case on that peer.
     * @param round its 0-based round.
     * @param times rounds planned.
     * @return the result to report: {@code r}, its note saying which run failed after earlier ones passed.
     */
    static Result failedRun(final Result r, final int round, final int times)
    {
        return round == 0 || r.note() == null ? r :
            new Result(r.value(), r.extra(), r.curve(), r.note() + " (run " + (round + 1) + " of " + times + ")");
    }

    /**
     * {@code --steady N}: runs a case {@code n} times back to back on the same running peer and
     * reports the median of the last {@link #steadyHalf} runs, with their min/max spread; the first
     * half warms the JIT and the runtime up. A case of 30-100 ms run once per peer start measures
     * mostly JIT warm-up (docs/performance.md); this measures the steady state. The first run's
     * figure is kept in the extra {@link #FIRST_RUN}, so the warm-up cost still shows.
     *
     * @param run one run of the case.
     * @param n   runs, at least 2.
     * @return the folded result, or the first run that failed (its note says which run it was).
     * @throws Exception from a run (a timeout, an error): the caller reports it as for one run.
     */
    static Result steady(final Callable<Result> run, final int n) throws Exception
    {
        final List<Result> runs = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final Result r = run.call();
            if (!r.ok())
            {
                return i == 0 || r.note() == null ? r :
                    new Result(r.value(), r.extra(), r.curve(), r.note() + " (steady run " + (i + 1) + " of " + n + ")");
            }
            runs.add(r);
        }
        final Result folded = fold(runs.subList(n - steadyHalf(n), n));
        folded.extra().put(FIRST_RUN, runs.get(0).value());
        return folded;
    }

    /** @param n steady runs. @return how many of the last ones count: half, rounded up. */
    static int steadyHalf(final int n)
    {
        return n - n / 2;
    }

    /**
     * @param runs successful runs, at least one.
     * @return their median with min/max spread.
     */
    static Result fold(final List<Result> runs)
    {
        final List<Result> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Result::value));
        final int n = sorted.size();
        final double median = n % 2 == 1 ? sorted.get(n / 2).value() : (sorted.get(n / 2 - 1).value() + sorted.get(n / 2).value()) / 2;
        final Result middle = sorted.get((n - 1) / 2);
        final Map<String, Double> extra = new LinkedHashMap<>(middle.extra());
        for (final Map.Entry<String, Double> e : extra.entrySet())
        {
            if (e.getKey().endsWith("_count"))
            {
                double sum = 0;
                for (final Result r : runs)
                {
                    sum += r.extra().getOrDefault(e.getKey(), 0.0);
                }
                e.setValue(sum);
            }
        }
        extra.put(Result.RUNS, (double)n);
        extra.put(Result.MIN, sorted.get(0).value());
        extra.put(Result.MAX, sorted.get(n - 1).value());
        return new Result(median, extra, middle.curve(), null);
    }
}
