package dev.spindle.bench.soak;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** soak.json: the options, the machine, every round's figures, the flatness verdicts and the failures. */
final class SoakJson
{
    private SoakJson()
    {
    }

    static String write(final SoakOptions o, final Map<String, String> machine, final List<Round.Result> results,
        final List<Flatness.Verdict> flat, final Map<String, Long> failures, final boolean failed)
    {
        final StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"passed\": ").append(!failed).append(",\n");
        sb.append("  \"options\": {\"minutes\": ").append(num(o.minutes)).append(", \"seed\": ").append(o.seed)
            .append(", \"round_seconds\": ").append(num(o.roundSeconds())).append(", \"schedulers\": ").append(o.schedulers)
            .append(", \"restart_every\": ").append(o.restartEvery).append(", \"warmup\": ").append(o.warmup)
            .append(", \"queues\": ").append(str(o.queues)).append(", \"kill_every_ms\": ").append(num(o.killEveryMs))
            .append(", \"timer_late_ms\": ").append(o.timerLateMs).append(", \"known_failures\": ").append(strings(List.copyOf(o.knownFailures)))
            .append(", \"inject\": ").append(o.inject == null ? "null" : str(o.inject)).append("},\n");
        sb.append("  \"machine\": {");
        boolean first = true;
        for (final Map.Entry<String, String> e : machine.entrySet())
        {
            sb.append(first ? "" : ", ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
            first = false;
        }
        sb.append("},\n  \"rounds\": [");
        first = true;
        for (final Round.Result r : results)
        {
            sb.append(first ? "\n" : ",\n").append("    {\"round\": ").append(r.round).append(", \"node\": ").append(r.node)
                .append(", \"queues\": ").append(str(r.queues)).append(", \"seconds\": ").append(num(r.seconds))
                .append(", \"load_average\": ").append(str(r.loadAverage)).append(", \"stalled_ms\": ").append(num(r.stalledNanos / 1e6))
                .append(", \"sent\": ").append(Soak.sent(r)).append(", \"processed\": ").append(Soak.processed(r))
                .append(", \"explained\": ").append(Soak.explained(r)).append(", \"unexplained\": ").append(Soak.unexplained(r))
                .append(", \"pipes\": ").append(verdict(r.pipes)).append(", \"calls\": ").append(verdict(r.calls))
                .append(", \"counts\": {");
            boolean f2 = true;
            for (final Map.Entry<Tally.Count, Long> e : r.counts.entrySet())
            {
                sb.append(f2 ? "" : ", ").append(str(e.getKey().name().toLowerCase(Locale.ROOT))).append(": ").append(e.getValue());
                f2 = false;
            }
            sb.append("}, \"timer_late_max_ms\": ").append(num(r.timerLateMaxNanos / 1e6))
                .append(", \"timer_lateness\": {\"lt_2ms\": ").append(r.timerLateness[0]).append(", \"lt_10ms\": ").append(r.timerLateness[1])
                .append(", \"lt_100ms\": ").append(r.timerLateness[2]).append(", \"lt_1s\": ").append(r.timerLateness[3])
                .append(", \"ge_1s\": ").append(r.timerLateness[4]).append('}')
                .append(", \"processes_left\": ").append(r.processesLeft).append(", \"timers_left\": ").append(r.timersLeft)
                .append(", \"node_up\": ").append(vitals(r.alive)).append(", \"node_closed\": ").append(vitals(r.closed))
                .append(", \"failures\": {");
            f2 = true;
            for (final Map.Entry<String, Long> e : r.failures.counts().entrySet())
            {
                sb.append(f2 ? "" : ", ").append(str(e.getKey())).append(": ").append(e.getValue());
                f2 = false;
            }
            sb.append("}, \"failure_samples\": ").append(strings(r.failures.samples())).append('}');
            first = false;
        }
        sb.append("\n  ],\n  \"flatness\": [");
        first = true;
        for (final Flatness.Verdict v : flat)
        {
            sb.append(first ? "\n" : ",\n").append("    {\"metric\": ").append(str(v.metric())).append(", \"unit\": ").append(str(v.unit()))
                .append(", \"rounds\": ").append(v.rounds()).append(", \"early\": ").append(num(v.early())).append(", \"late\": ")
                .append(num(v.late())).append(", \"tolerance\": ").append(num(v.tolerance())).append(", \"ok\": ").append(v.ok())
                .append(", \"not_judged\": ").append(v.why() == null ? "null" : str(v.why())).append('}');
            first = false;
        }
        sb.append("\n  ],\n  \"failures\": {");
        first = true;
        for (final Map.Entry<String, Long> e : failures.entrySet())
        {
            sb.append(first ? "" : ", ").append(str(e.getKey())).append(": ").append(e.getValue());
            first = false;
        }
        sb.append("}\n}\n");
        return sb.toString();
    }

    private static String verdict(final SeqLog.Verdict v)
    {
        return "{\"sent\": " + v.sent + ", \"processed\": " + v.processed + ", \"explained\": " + v.explained + ", \"unexplained\": " +
            v.unexplained + "}";
    }

    private static String vitals(final Vitals v)
    {
        if (v == null)
        {
            return "null";
        }
        return "{\"heap_used\": " + v.heapUsed() + ", \"heap_committed\": " + v.heapCommitted() + ", \"rss\": " + v.rss() +
            ", \"rss_outside_heap\": " + v.rssOutsideHeap() + ", \"nmt_committed\": " + v.nmtCommitted() + ", \"nmt_outside_heap\": " +
            v.nmtOutsideHeap() + ", \"threads\": " + v.threads() + ", \"spindle_threads\": " + v.spindleThreads() + "}";
    }

    private static String num(final double d)
    {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
    }

    private static String strings(final List<String> list)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++)
        {
            sb.append(i == 0 ? "" : ", ").append(str(list.get(i)));
        }
        return sb.append(']').toString();
    }

    static String str(final String s)
    {
        final StringBuilder sb = new StringBuilder("\"");
        for (final char c : s.toCharArray())
        {
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
