package dev.spindle.examples;

import dev.spindle.examples.blocking.BlockingCalls;
import dev.spindle.examples.orders.OrderMatching;

import java.util.LinkedHashMap;
import java.util.Map;

/** Runs one example by name: {@code examples/run NAME}; without a name, lists them. */
public final class Main
{
    private interface Example
    {
        void main(String[] args) throws Exception;
    }

    private record Entry(String description, Example main)
    {
    }

    private static final Map<String, Entry> EXAMPLES = new LinkedHashMap<>();

    static
    {
        EXAMPLES.put("order-matching", new Entry("a supervisor over one GenServer per instrument, clients calling by name from " +
            "plain threads, order expiry timers, a gateway monitoring the books, a crash and restart, node.stats()",
            OrderMatching::main));
        EXAMPLES.put("blocking-calls", new Entry("virtual-thread processes making blocking HTTP calls while the schedulers " +
            "stay free; Proc.dirty from a raw process", BlockingCalls::main));
    }

    private Main()
    {
    }

    /**
     * @param args the example's name, then its arguments.
     * @throws Exception from the example.
     */
    public static void main(final String[] args) throws Exception
    {
        final Entry e = args.length == 0 ? null : EXAMPLES.get(args[0]);
        if (e == null)
        {
            System.err.println((args.length == 0 ? "" : "unknown example '" + args[0] + "'; ") + "usage: examples/run NAME");
            EXAMPLES.forEach((name, x) -> System.err.printf("  %-16s %s%n", name, x.description()));
            System.exit(2);
        }
        e.main().main(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
}
