package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Ordinary Java inside processes run as virtual threads (SpawnOptions.virtualThread): locks exclude
 * across waits and migrations, a contended monitor never deadlocks a scheduler, sleeping and
 * blocking I/O do not stall the scheduler, thread-locals are per process. And the process
 * dictionary, the per-process state of raw processes.
 */
class JavaInProcessesTest
{
    private static final Duration T = Duration.ofSeconds(20);
    private static final SpawnOptions VT = SpawnOptions.defaults().virtualThread(true);

    /** Each process does `rounds` critical sections with a send and a receive inside; overlaps must be 0. */
    private static int overlaps(final Node node, final Inbox inbox, final java.util.function.Consumer<Runnable> guard, final int rounds)
    {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final int processes = 4;
        for (int i = 0; i < processes; i++)
        {
            node.spawn(() ->
            {
                for (int round = 0; round < rounds; round++)
                {
                    final int r = round;
                    guard.accept(() ->
                    {
                        if (inside.incrementAndGet() != 1)
                        {
                            overlaps.incrementAndGet();
                        }
                        Proc.send(Proc.self(), r);   // runtime calls inside the critical section:
                        Proc.receive();              // a wait (may unmount) ...
                        if ((r & 15) == 0)
                        {
                            Proc.yield();            // ... and a migration point
                        }
                        inside.decrementAndGet();
                    });
                }
                Proc.send(inbox.pid(), "done");
            }, VT);
        }
        for (int i = 0; i < processes; i++)
        {
            assertEquals("done", inbox.receive(T));
        }
        return overlaps.get();
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void synchronizedExcludesAcrossWaitsAndMigrations(final RunQueues kind)
    {
        final Object monitor = new Object();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            assertEquals(0, overlaps(node, inbox, body ->
            {
                synchronized (monitor)
                {
                    body.run();
                }
            }, 2_000));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void reentrantLockExcludesAcrossWaitsAndMigrations(final RunQueues kind)
    {
        final ReentrantLock lock = new ReentrantLock();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            assertEquals(0, overlaps(node, inbox, body ->
            {
                lock.lock();
                try
                {
                    assertEquals(1, lock.getHoldCount());
                    body.run();
                }
                finally
                {
                    lock.unlock(); // after migrations: still the owner
                }
            }, 2_000));
            assertFalse(lock.isLocked());
        }
    }

    /** A process waits in receive holding a monitor another process needs: nobody's scheduler hangs. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aContendedMonitorDoesNotBlockASchedulerThread(final RunQueues kind) throws Exception
    {
        final Object monitor = new Object();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid holder = node.spawn(() ->
            {
                synchronized (monitor)
                {
                    Proc.send(inbox.pid(), "holding");
                    Proc.receive(); // waits, holding the monitor
                }
            }, VT.scheduler(0));
            assertEquals("holding", inbox.receive(T));
            for (int s = 0; s < 2; s++)
            {
                node.spawn(() ->
                {
                    synchronized (monitor) // blocks: the virtual thread unmounts, its scheduler runs others
                    {
                        Proc.send(inbox.pid(), "entered");
                    }
                }, VT.scheduler(s));
            }
            // Both schedulers still run raw processes while two processes wait for the monitor.
            for (int s = 0; s < 2; s++)
            {
                node.spawn(() -> Proc.send(inbox.pid(), "alive"), SpawnOptions.defaults().scheduler(s));
                assertEquals("alive", inbox.receive(T));
            }
            node.send(holder, "release");
            assertEquals("entered", inbox.receive(T));
            assertEquals("entered", inbox.receive(T));
        }
    }

    /** A process in Thread.sleep or a blocking socket read does not delay the others on its scheduler. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void sleepingAndBlockingIoDoNotStallTheScheduler(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox(); ServerSocket server = new ServerSocket(0))
        {
            node.spawn(() ->
            {
                Thread.sleep(2_000);
                Proc.send(inbox.pid(), "slept");
            }, VT);
            node.spawn(() ->
            {
                try (Socket s = new Socket("127.0.0.1", server.getLocalPort()); InputStream in = s.getInputStream())
                {
                    Proc.send(inbox.pid(), "read " + in.read()); // no data for 2 s: the read blocks
                }
            }, VT);
            try (Socket accepted = server.accept())
            {
                final Pid echo = node.spawn(() ->
                {
                    for (;;)
                    {
                        final Object[] m = (Object[])Proc.receive();
                        Proc.send((Pid)m[0], m[1]);
                    }
                });
                final List<Long> rtts = new ArrayList<>();
                final long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until)
                {
                    final long t0 = System.nanoTime();
                    node.send(echo, new Object[] {inbox.pid(), "ping"});
                    assertEquals("ping", inbox.receive(T));
                    rtts.add(System.nanoTime() - t0);
                }
                rtts.sort(null);
                final long p50 = rtts.get(rtts.size() / 2);
                assertTrue(p50 < 50_000_000L, "median round trip " + p50 / 1000 + " us while others sleep and block");
                accepted.getOutputStream().write(7);
                final java.util.Set<Object> ends = new java.util.HashSet<>();
                ends.add(inbox.receive(T));
                ends.add(inbox.receive(T));
                assertEquals(java.util.Set.of("read 7", "slept"), ends);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void threadLocalsAndCurrentThreadArePerProcess(final RunQueues kind)
    {
        final ThreadLocal<Object> local = new ThreadLocal<>();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            for (int i = 0; i < 8; i++)
            {
                final int me = i;
                node.spawn(() ->
                {
                    final Thread self = Thread.currentThread();
                    boolean ok = self.isVirtual() && local.get() == null;
                    local.set(me);
                    for (int k = 0; k < 500; k++)
                    {
                        Proc.yield(); // migrate, interleave with the others
                        ok &= Integer.valueOf(me).equals(local.get()) && Thread.currentThread() == self;
                    }
                    Proc.send(inbox.pid(), ok);
                }, VT);
            }
            for (int i = 0; i < 8; i++)
            {
                assertEquals(true, inbox.receive(T));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void theProcessDictionaryIsPerProcess(final RunQueues kind)
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            for (int i = 0; i < 8; i++)
            {
                final int me = i;
                node.spawn(() ->
                {
                    boolean ok = Proc.get("who") == null;
                    Proc.put("who", me);
                    for (int k = 0; k < 500; k++)
                    {
                        Proc.yield();
                        ok &= Integer.valueOf(me).equals(Proc.get("who"));
                    }
                    ok &= Integer.valueOf(me).equals(Proc.erase("who")) && Proc.get("who") == null;
                    Proc.send(inbox.pid(), ok);
                }, i % 2 == 0 ? VT : SpawnOptions.defaults());
            }
            for (int i = 0; i < 8; i++)
            {
                assertEquals(true, inbox.receive(T));
            }
        }
    }

    /** Everything else works the same: signals, timers, calls, priorities, binding. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void virtualThreadProcessesKeepProcessSemantics(final RunQueues kind)
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                final List<Object> out = new ArrayList<>();
                final MonitoredPid child = Proc.spawnMonitor(() -> Proc.exit("done"), VT);
                out.add(((Down)Proc.receive(m -> m instanceof Down)).reason());
                out.add(Proc.receive(Duration.ofMillis(20)));
                Proc.sendAfter(Duration.ofMillis(10), Proc.self(), "tick");
                out.add(Proc.receive(T));
                final Pid server = GenServer.start(new GenServer<Integer>()
                {
                    @Override
                    public Integer init()
                    {
                        return 41;
                    }

                    @Override
                    public Reply<Integer> handleCall(final Object request, final Pid from, final Integer n)
                    {
                        return new Reply<>(n + 1, n + 1);
                    }
                });
                out.add(GenServer.call(server, "inc", T));
                out.add(child.pid() != null);
                Proc.send(inbox.pid(), out);
            }, VT.scheduler(1));
            assertEquals(java.util.Arrays.asList("done", null, "tick", 42, true), inbox.receive(T));
            final Pid killed = node.spawn(() -> Proc.receive(m -> false), VT);
            final Ref ref = inbox.monitor(killed);
            node.exit(killed, Reason.KILL);
            assertEquals(Reason.KILLED, ((Down)inbox.receive(T)).reason());
            assertNotNull(ref);
        }
    }

    /** Virtual threads a process makes itself (and the JDK's I/O pollers) inherit its scheduler: they must run. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void virtualThreadsMadeInsideAProcessRun(final RunQueues kind)
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                final java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
                final List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 10; i++)
                {
                    threads.add(Thread.ofVirtual().start(ran::incrementAndGet));
                }
                for (final Thread t : threads)
                {
                    t.join();
                }
                Proc.send(inbox.pid(), ran.get());
            }, VT);
            assertEquals(10, inbox.receive(T));
        }
    }
}
