package dev.spindle.internal.preempt;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent's polls wired to the real schedulers: a loop that never calls the runtime gives way,
 * obeys exit signals and lets close finish; it is never preempted inside a monitor; its reductions
 * count. The hog's class is loaded instrumented (as the agent would) and, as a control, plain.
 */
class SchedulerPreemptionTest
{
    private static final Duration T = Duration.ofSeconds(10);

    private static Method hogs(final boolean instrumented, final String name, final Class<?>... types) throws Exception
    {
        final InstrumentingLoader loader = new InstrumentingLoader(instrumented, "dev.spindle.samples.preempt.Hogs");
        return loader.loadClass("dev.spindle.samples.preempt.Hogs").getMethod(name, types);
    }

    private static Object call(final Method m, final Object... args)
    {
        try
        {
            return m.invoke(null, args);
        }
        catch (final ReflectiveOperationException e)
        {
            if (e.getCause() instanceof Error err)
            {
                throw err; // ProcessExit, from a poll that met an exit signal
            }
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aLoopingProcessNoLongerStarvesItsNeighbours(final RunQueues kind) throws Exception
    {
        final Method loop = hogs(true, "loop", AtomicBoolean.class);
        final AtomicBoolean stop = new AtomicBoolean();
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final Pid echo = node.spawn(() ->
            {
                for (;;)
                {
                    final Object[] m = (Object[])Proc.receive();
                    Proc.send((Pid)m[0], m[1]);
                }
            });
            final Pid hog = node.spawn(() -> call(loop, stop));
            Thread.sleep(50);
            final List<Long> rtts = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                final long t0 = System.nanoTime();
                node.send(echo, new Object[] {inbox.pid(), i});
                assertEquals(i, inbox.receive(T), "the echo was starved by the hog");
                rtts.add(System.nanoTime() - t0);
            }
            rtts.sort(null);
            assertTrue(rtts.get(rtts.size() / 2) < 20_000_000L, "median round trip next to a hog: " + rtts.get(rtts.size() / 2) / 1000 + " us");
            assertTrue(node.info(hog).reductions() > 1_000, "the hog's polls count as reductions: " + node.info(hog).reductions());
            stop.set(true);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void anExitSignalEndsALoopingProcessAndCloseDoesNotWait(final RunQueues kind) throws Exception
    {
        final Method loop = hogs(true, "loop", AtomicBoolean.class);
        final Method plain = hogs(false, "loop", AtomicBoolean.class);
        final AtomicBoolean never = new AtomicBoolean();
        final AtomicBoolean stopPlain = new AtomicBoolean();
        final Node node = Nodes.start(kind, 2);
        try (Inbox inbox = node.inbox())
        {
            final Pid hog = node.spawn(() -> call(loop, never), SpawnOptions.defaults().scheduler(0));
            final Pid plainHog = node.spawn(() -> call(plain, stopPlain), SpawnOptions.defaults().scheduler(1));
            Thread.sleep(50);
            final Ref ref = inbox.monitor(hog);
            final Ref plainRef = inbox.monitor(plainHog);
            node.exit(hog, Reason.KILL);
            node.exit(plainHog, Reason.KILL);
            final Down down = (Down)inbox.receive(m -> m instanceof Down d && d.ref().equals(ref), T);
            assertNotNull(down, "the instrumented loop was not killed");
            assertEquals(Reason.KILLED, down.reason());
            assertNull(inbox.receive(m -> m instanceof Down d && d.ref().equals(plainRef), Duration.ofMillis(300)),
                "control: an uninstrumented loop cannot be killed");
            stopPlain.set(true);
            assertNotNull(inbox.receive(m -> m instanceof Down d && d.ref().equals(plainRef), T));
            final Pid another = node.spawn(() -> call(loop, never));
            assertNotNull(another);
        }
        final long t0 = System.nanoTime();
        assertEquals(List.of(), node.close(Duration.ofSeconds(5)), "close waits for no instrumented loop");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aLoopInsideSynchronizedIsNeverPreemptedHoldingTheMonitor(final RunQueues kind) throws Exception
    {
        final Method inMonitor = hogs(true, "loopInMonitor", Object.class, AtomicInteger.class, long.class);
        final Object lock = new Object();
        final AtomicInteger inside = new AtomicInteger();
        try (Node node = NodeWithSmallBudget.start(kind); Inbox inbox = node.inbox())
        {
            for (int i = 0; i < 4; i++)
            {
                node.spawn(() ->
                {
                    int overlaps = 0;
                    for (int r = 0; r < 20; r++)
                    {
                        overlaps += (Integer)call(inMonitor, lock, inside, 200_000L);
                        Proc.yield();
                    }
                    Proc.send(inbox.pid(), overlaps);
                });
            }
            for (int i = 0; i < 4; i++)
            {
                assertEquals(0, inbox.receive(T), "a process entered a monitor another process on its carrier held");
            }
        }
    }

    /** Polls by hand in its class initializer: the VM's call into it is a native frame below the polls. */
    private static final class PollsInInitializer
    {
        static final int POLLS = 5_000;
        static final int DONE;

        static
        {
            DONE = Polls.times(POLLS);
        }
    }

    /**
     * The budget runs out 25 times inside a class initializer, where the continuation cannot yield:
     * each time the scheduler's yield is refused (Continuation.yield answers false), the process
     * keeps its carrier with a fresh slice and finishes, rather than failing on the pinned yield.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aPreemptionRefusedByANativeFrameKeepsRunning(final RunQueues kind) throws Exception
    {
        try (Node node = NodeWithSmallBudget.start(kind); Inbox inbox = node.inbox())
        {
            node.spawn(() -> Proc.send(inbox.pid(), "neighbour ran"));
            node.spawn(() -> Proc.send(inbox.pid(), PollsInInitializer.DONE));
            final List<Object> got = new ArrayList<>(List.of(inbox.receive(T), inbox.receive(T)));
            assertTrue(got.contains(PollsInInitializer.POLLS), "the initializer ran to its end in the process: " + got);
            assertTrue(got.contains("neighbour ran"), "the neighbour ran too: " + got);
        }
    }

    /** One scheduler, a tiny budget: preemption points come every few hundred back-edges. */
    private static final class NodeWithSmallBudget
    {
        static Node start(final RunQueues kind)
        {
            return Node.start(NodeConfig.builder().schedulers(1).pinned(false).runQueues(kind).reductions(200).build());
        }
    }

    /** A raw process waiting in receive while its instrumented code holds a monitor waits on its carrier: exclusion holds. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aWaitHoldingAMonitorPinsTheProcessToItsCarrier(final RunQueues kind) throws Exception
    {
        final Method receiveInMonitor = hogs(true, "receiveInMonitor", Object.class, AtomicInteger.class);
        final Object lock = new Object();
        final AtomicInteger inside = new AtomicInteger();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final List<Pid> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                final int s = i % 2;
                waiters.add(node.spawn(() -> Proc.send(inbox.pid(), call(receiveInMonitor, lock, inside)),
                    SpawnOptions.defaults().scheduler(s)));
            }
            for (int round = 0; round < 8; round++)
            {
                Thread.sleep(20);
                for (final Pid p : waiters)
                {
                    node.send(p, "go"); // only the holder can take it; the others wait for the monitor
                }
            }
            for (int i = 0; i < 4; i++)
            {
                assertEquals(0, inbox.receive(T));
            }
        }
    }
}
