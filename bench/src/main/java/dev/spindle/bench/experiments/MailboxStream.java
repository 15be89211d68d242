package dev.spindle.bench.experiments;

import dev.spindle.internal.mailbox.Mailbox;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mailbox alone under a stream (docs/mailbox.md, "Counting by the readers"): one consumer
 * thread takes with {@code takeAny} (so the owner's high-water samples are in the figure) while 1
 * or 2 producer threads put 20,000,000 messages in all, with no backlog limit; or one producer,
 * with a second argument, at most that many ahead of the consumer (a paced stream: the consumer
 * then takes near the tail, on lines the producer is still writing; docs/mailbox.md, "False
 * sharing"). Ten runs in one JVM; prints the median of the last six, in messages per
 * microsecond. On 2 cores the producers and the consumer share the CPUs, as a receiver and its
 * senders do in a node.
 *
 * <pre>java -cp bench/target/spindle-bench.jar dev.spindle.bench.experiments.MailboxStream 1
 * java -cp bench/target/spindle-bench.jar dev.spindle.bench.experiments.MailboxStream 2
 * java -cp bench/target/spindle-bench.jar dev.spindle.bench.experiments.MailboxStream 1 64</pre>
 */
public final class MailboxStream
{
    private static final int MESSAGES = 20_000_000;
    private static final int RUNS = 10;

    private MailboxStream()
    {
    }

    /**
     * @param args the number of producer threads (default 1), then optionally how many messages
     *             a single producer may be ahead of the consumer (default: no limit).
     * @throws InterruptedException if interrupted while joining the producers.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int producers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        final int lag = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        if (producers < 1 || lag < 0 || lag > 0 && producers > 1)
        {
            // Paced, more threads than two cores would spin against the consumer they wait for.
            throw new IllegalArgumentException("usage: MailboxStream [producers >= 1] [lag >= 0, 0 for no limit, "
                + "else with one producer]; was " + Arrays.toString(args));
        }
        final int per = MESSAGES / producers;
        final Integer payload = 42;
        final double[] rates = new double[RUNS];
        for (int run = 0; run < RUNS; run++)
        {
            final Mailbox box = new Mailbox();
            final AtomicLong takenSoFar = new AtomicLong(); // published every 16 takes when paced
            final Thread[] threads = new Thread[producers];
            final long t0 = System.nanoTime();
            for (int p = 0; p < producers; p++)
            {
                threads[p] = Thread.ofPlatform().start(() ->
                {
                    for (int i = 0; i < per; i++)
                    {
                        while (lag > 0 && i - takenSoFar.getOpaque() > lag) // paced: the only producer
                        {
                            Thread.onSpinWait();
                        }
                        box.put(payload);
                    }
                });
            }
            int taken = 0;
            while (taken < per * producers)
            {
                if (box.takeAny() != null)
                {
                    taken++;
                    if (lag > 0 && (taken & 15) == 0)
                    {
                        takenSoFar.setOpaque(taken);
                    }
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            final long elapsed = System.nanoTime() - t0;
            for (final Thread t : threads)
            {
                t.join();
            }
            rates[run] = taken / (elapsed / 1e3);
        }
        final double[] last = Arrays.copyOfRange(rates, RUNS - 6, RUNS);
        Arrays.sort(last);
        System.out.printf("%d producer(s)%s: %.1f messages/us (median of the last 6 of %d runs)%n",
            producers, lag > 0 ? ", at most " + lag + " ahead" : "", (last[2] + last[3]) / 2, RUNS);
    }
}
