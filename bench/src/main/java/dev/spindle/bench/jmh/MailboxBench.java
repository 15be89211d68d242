package dev.spindle.bench.jmh;

import dev.spindle.internal.mailbox.Mailbox;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Mailbox candidates, one producer and one consumer thread (docs/mailbox.md): Spindle's Mailbox
 * (a lazily created Agrona ManyToOneConcurrentLinkedQueue plus a save list), the Agrona queue
 * alone, and the JDK's ConcurrentLinkedQueue and LinkedBlockingQueue. Unbounded structures only:
 * a mailbox must never refuse a message.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens",
    "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MailboxBench
{
    /** The structure. */
    @Param({"spindle-mailbox", "agrona-mpsc-linked", "jdk-clq", "jdk-lbq"})
    public String impl;

    private Mailbox mailbox;
    private Queue<Object> queue;
    private final Object message = new Object();
    // In-flight bound so a faster producer cannot grow the queue without limit (one writer each).
    private volatile long produced;
    private volatile long consumed;

    /** Creates the structure. */
    @Setup
    public void setup()
    {
        switch (impl)
        {
            case "spindle-mailbox" -> mailbox = new Mailbox();
            case "agrona-mpsc-linked" -> queue = new ManyToOneConcurrentLinkedQueue<>();
            case "jdk-clq" -> queue = new ConcurrentLinkedQueue<>();
            default -> queue = new LinkedBlockingQueue<>();
        }
    }

    /** Producer side. */
    @Benchmark
    @Group("mpsc")
    @GroupThreads(1)
    public void offer()
    {
        if (produced - consumed > 65_536)
        {
            Thread.onSpinWait();
            return;
        }
        produced = produced + 1;
        if (mailbox != null)
        {
            mailbox.put(message);
        }
        else
        {
            queue.offer(message);
        }
    }

    /** @return a message or null; consumer side. */
    @Benchmark
    @Group("mpsc")
    @GroupThreads(1)
    public Object poll()
    {
        final Object m = mailbox != null ? mailbox.takeAny() : queue.poll();
        if (m != null)
        {
            consumed = consumed + 1;
        }
        return m;
    }
}
