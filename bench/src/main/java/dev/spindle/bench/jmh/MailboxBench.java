package dev.spindle.bench.jmh;

import dev.spindle.internal.mailbox.Mailbox;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * MPSC mailbox candidates (docs/mailbox.md), one consumer thread and 1 or 3 producer threads:
 * Spindle's {@link Mailbox} (put / takeAny), Agrona's {@link ManyToOneConcurrentLinkedQueue} (what
 * the mailbox uses inside), Agrona's bounded {@link ManyToOneConcurrentArrayQueue} (for reference:
 * a mailbox must not be bounded), the JDK's {@link ConcurrentLinkedQueue} and
 * {@link LinkedBlockingQueue}.
 *
 * <p>One operation is one message: {@code offer} returns once a message went in, {@code poll}
 * once one came out (it spins on an empty queue and gives up only when JMH ends the iteration), so
 * the {@code poll} rate is the message throughput. Producers of the unbounded structures are held
 * back (checked every 256 messages) when the backlog passes about {@link #MAX_BACKLOG} messages, so a producer faster than the
 * consumer measures the consumer instead of growing the queue until GC dominates. With 3 producers
 * there are 4 busy threads on however many cores the machine has (2 here): the figure then
 * includes descheduling, as a real mailbox under fan-in on a small machine does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MailboxBench
{
    /** Backlog above which producers wait. */
    public static final int MAX_BACKLOG = 16_384;
    private static final Object MESSAGE = new Object();

    /** The structure under test, shared by the group. */
    @State(Scope.Group)
    public static class Box
    {
        /** Which structure. */
        @Param({"spindle-mailbox", "agrona-mpsc-linked", "agrona-mpsc-array", "jdk-clq", "jdk-lbq"})
        public String impl;

        Mailbox mailbox;
        Queue<Object> queue;
        volatile long consumed; // written by the consumer only

        /** Creates the structure (fresh each iteration, so no backlog is carried over). */
        @Setup(Level.Iteration)
        public void setup()
        {
            mailbox = null;
            queue = null;
            switch (impl)
            {
                case "spindle-mailbox" -> mailbox = new Mailbox();
                case "agrona-mpsc-linked" -> queue = new ManyToOneConcurrentLinkedQueue<>();
                case "agrona-mpsc-array" -> queue = new ManyToOneConcurrentArrayQueue<>(MAX_BACKLOG);
                case "jdk-clq" -> queue = new ConcurrentLinkedQueue<>();
                case "jdk-lbq" -> queue = new LinkedBlockingQueue<>();
                default -> throw new IllegalArgumentException(impl);
            }
            consumed = 0;
        }

        boolean offer(final Object m)
        {
            if (mailbox != null)
            {
                mailbox.put(m);
                return true;
            }
            return queue.offer(m);
        }

        Object poll()
        {
            return mailbox != null ? mailbox.takeAny() : queue.poll();
        }
    }

    /** A producer's own count. */
    @State(Scope.Thread)
    public static class Producer
    {
        long produced;
        int producers;

        /** @param c JMH's thread layout, to know how many producers share the backlog. */
        @Setup(Level.Iteration)
        public void setup(final org.openjdk.jmh.infra.ThreadParams c)
        {
            produced = 0;
            producers = c.getGroupThreadCount() - 1;
        }
    }

    /** Failed (empty) polls and throttled offers, reported as extra counters. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Spins
    {
        /** Spins of a consumer that found the structure empty. */
        public long emptyPolls;
        long taken;

        /** Clears the counters. */
        @Setup(Level.Iteration)
        public void clear()
        {
            emptyPolls = 0;
            taken = 0;
        }
    }

    private static void offer(final Box box, final Producer me, final Control control)
    {
        // Roughly bound the backlog (this producer's share of it), checked every 256 messages so
        // the check's cache traffic stays off the per-message path.
        if ((me.produced & 255) == 0)
        {
            while (me.produced - box.consumed / me.producers > MAX_BACKLOG / me.producers)
            {
                if (control.stopMeasurement)
                {
                    return;
                }
                Thread.onSpinWait();
            }
        }
        while (!box.offer(MESSAGE)) // only the bounded array queue refuses
        {
            if (control.stopMeasurement)
            {
                return;
            }
            Thread.onSpinWait();
        }
        me.produced++;
    }

    private static Object poll(final Box box, final Control control, final Spins spins)
    {
        Object m;
        while ((m = box.poll()) == null)
        {
            if (control.stopMeasurement)
            {
                return null;
            }
            spins.emptyPolls++;
            Thread.onSpinWait();
        }
        if ((++spins.taken & 255) == 0)
        {
            box.consumed = spins.taken; // published every 256 messages, not on every one
        }
        return m;
    }

    /**
     * @param box     the structure.
     * @param me      this producer.
     * @param control JMH's stop flag.
     */
    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public void offer1(final Box box, final Producer me, final Control control)
    {
        offer(box, me, control);
    }

    /**
     * @param box     the structure.
     * @param control JMH's stop flag.
     * @param spins   empty polls.
     * @return the message.
     */
    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public Object poll1(final Box box, final Control control, final Spins spins)
    {
        return poll(box, control, spins);
    }

    /**
     * @param box     the structure.
     * @param me      this producer.
     * @param control JMH's stop flag.
     */
    @Benchmark
    @Group("p3")
    @GroupThreads(3)
    public void offer3(final Box box, final Producer me, final Control control)
    {
        offer(box, me, control);
    }

    /**
     * @param box     the structure.
     * @param control JMH's stop flag.
     * @param spins   empty polls.
     * @return the message.
     */
    @Benchmark
    @Group("p3")
    @GroupThreads(1)
    public Object poll3(final Box box, final Control control, final Spins spins)
    {
        return poll(box, control, spins);
    }
}
