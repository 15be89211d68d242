package dev.spindle.internal.preempt;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rewritten code inside processes on {@link TestCarrier}s: it gives way every budget's worth of
 * reductions, never while it holds a monitor, a lock or a class initializer or over a native
 * frame, charges the right carrier after moving between carriers, and computes what the plain
 * code computes.
 */
class PreemptionTest
{
    private static final String SAMPLES = "dev.spindle.samples.preempt.";
    private static final int BUDGET = 4000;

    private static TestCarrier a;
    private static TestCarrier b;
    private static InstrumentingLoader rewritten;
    private static InstrumentingLoader plain;

    @BeforeAll
    static void start()
    {
        assertTrue(Preemption.enabled(), "tests run with --add-exports java.base/jdk.internal.access=ALL-UNNAMED");
        a = TestCarrier.start("carrier-a", BUDGET);
        b = TestCarrier.start("carrier-b", BUDGET);
        rewritten = new InstrumentingLoader(true, SAMPLES);
        plain = new InstrumentingLoader(false, SAMPLES);
    }

    @AfterAll
    static void stop()
    {
        a.shutdown();
        b.shutdown();
    }

    private static MethodHandle method(final InstrumentingLoader loader, final String cls, final String name,
        final MethodType type)
    {
        try
        {
            return MethodHandles.publicLookup().findStatic(Class.forName(SAMPLES + cls, false, loader), name, type);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static final MethodType LONG_LONG = MethodType.methodType(long.class, long.class);

    private static long call(final MethodHandle h, final Object... args)
    {
        try
        {
            return (long)h.invokeWithArguments(args);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
    }

    /** Runs body in a process on carrier a and returns the process (its counters). */
    private static TestCarrier.Proc runOnA(final TestCarrier.Proc p) throws Exception
    {
        a.runToEnd(p);
        return p;
    }

    @Test
    void loopGivesWayOncePerBudget() throws Exception
    {
        final long n = 1_000_000;
        final MethodHandle spin = method(rewritten, "Loops", "spin", LONG_LONG);
        final long[] result = new long[1];
        final TestCarrier.Proc p = runOnA(new TestCarrier.Proc(() -> result[0] = call(spin, n)));
        // n back-edges plus one entry, one yield per BUDGET reductions; back-edges are charged 64
        // at a time, so a slice may run up to 63 reductions over.
        final long batch = Preemption.LOOP_BATCH;
        assertTrue(p.yields.get() >= n / (BUDGET + batch - 1) && p.yields.get() <= (n + 1) / BUDGET, "yields " + p.yields.get());
        assertEquals(0, p.violations.get());
        assertEquals(call(method(plain, "Loops", "spin", LONG_LONG), n), result[0]);

        final TestCarrier.Proc unrewritten = runOnA(new TestCarrier.Proc(
            () -> call(method(plain, "Loops", "spin", LONG_LONG), n)));
        assertEquals(0, unrewritten.yields.get(), "plain code never gives way");
    }

    @Test
    void recursionGivesWayAtMethodEntries() throws Exception
    {
        final MethodHandle fib = method(rewritten, "Loops", "fib", MethodType.methodType(long.class, int.class));
        final long[] result = new long[1];
        final TestCarrier.Proc p = runOnA(new TestCarrier.Proc(() -> result[0] = call(fib, 25)));
        assertEquals(75025, result[0]);
        // fib(25) makes 242,785 calls, one reduction each.
        assertEquals(242_785 / BUDGET, p.yields.get(), "yields");
    }

    @Test
    void neverGivesWayInsideSynchronizedBlocksOrMethods() throws Exception
    {
        final long n = 200_000; // 50 budgets' worth inside each monitor
        final Object lock = monitor();
        final BooleanSupplier holdsLock = () -> Thread.holdsLock(lock);
        final Class<?> sync = sampleClass("Sync");
        final BooleanSupplier holdsClass = () -> Thread.holdsLock(sync);
        final long[] out = new long[4];
        final TestCarrier.Proc p = runOnA(new TestCarrier.Proc(() ->
        {
            out[0] = call(method(rewritten, "Sync", "inBlock", LONG_LONG), n);
            out[1] = call(method(rewritten, "Sync", "inMethod", LONG_LONG), n);
            out[2] = call(method(rewritten, "Sync", "nestedBlocks", LONG_LONG), n);
        }).watch(holdsLock, holdsClass));
        assertEquals(0, p.violations.get(), "gave way holding a monitor");
        // Each monitor region ends spent; the process gives way once at the first safe point after it.
        assertTrue(p.yields.get() <= 3, "yields " + p.yields.get());
        assertEquals(call(method(plain, "Sync", "inBlock", LONG_LONG), n), out[0]);
        assertEquals(call(method(plain, "Sync", "inMethod", LONG_LONG), n), out[1]);
        assertEquals(0, p.savedUnsafeDepth);
    }

    @Test
    void exceptionsLeavingMonitorsRestoreSafePoints() throws Exception
    {
        final long n = 100_000;
        final long after = 400_000;
        final Object lock = monitor();
        final Class<?> sync = sampleClass("Sync");
        final long[] out = new long[2];
        final TestCarrier.Proc p = runOnA(new TestCarrier.Proc(() ->
        {
            out[0] = call(method(rewritten, "Sync", "throwFromBlock", LONG_LONG), n);
            try
            {
                call(method(rewritten, "Sync", "throwFromMethod", LONG_LONG), n);
            }
            catch (final IllegalStateException expected)
            {
                out[1] = 1;
            }
            call(method(rewritten, "Loops", "spin", LONG_LONG), after);
        }).watch(() -> Thread.holdsLock(lock), () -> Thread.holdsLock(sync)));
        assertEquals(1, out[0]);
        assertEquals(1, out[1]);
        assertEquals(0, p.violations.get());
        assertEquals(0, p.savedUnsafeDepth, "unsafe depth balanced after exceptional exits");
        // The loop after the monitors gives way as usual: ~after / BUDGET times, plus one each.
        assertTrue(p.yields.get() >= after / BUDGET - 1 && p.yields.get() <= after / BUDGET + 3, "yields " + p.yields.get());
    }

    @Test
    void classInitializerIsNotASafePoint() throws Exception
    {
        final MethodHandle value = method(rewritten, "Init", "value", MethodType.methodType(long.class));
        final long[] out = new long[1];
        final TestCarrier.Proc p = runOnA(new TestCarrier.Proc(() -> out[0] = call(value)));
        assertEquals(call(method(plain, "Init", "value", MethodType.methodType(long.class))), out[0]);
        assertEquals(0, p.pinned.get(), "no preemption attempted inside <clinit>");
        assertTrue(p.yields.get() <= 1, "yields " + p.yields.get());
        assertEquals(0, p.violations.get());
    }

    @Test
    void nativeFrameRefusesTheYieldAndTheProcessGivesWayLater() throws Exception
    {
        final long after = 100_000;
        final long[] out = new long[1];
        final TestCarrier.Proc p = runOnA(new TestCarrier.Proc(() ->
        {
            out[0] = NativeFrame.DONE; // <clinit> polls with the VM's native frame below it
            call(method(rewritten, "Loops", "spin", LONG_LONG), after);
        }));
        assertEquals(NativeFrame.POLLS, out[0]);
        // Refused at 4000 polls and again 4000 later (one slice of back-off), never thrown.
        assertEquals(NativeFrame.POLLS / BUDGET, p.pinned.get(), "pinned attempts");
        assertTrue(p.yields.get() >= after / BUDGET - 1, "gives way once the frame is gone: " + p.yields.get());
    }

    @Test
    void neverGivesWayHoldingJucLocks() throws Exception
    {
        final long n = 100_000;
        final ReentrantLock reentrant = new ReentrantLock();
        final ReentrantLock other = new ReentrantLock();
        final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        final ReentrantLock across = new ReentrantLock();
        final MethodType lockType = MethodType.methodType(long.class, ReentrantLock.class, long.class);
        final long[] out = new long[4];
        final TestCarrier.Proc p = runOnA(new TestCarrier.Proc(() ->
        {
            out[0] = call(method(rewritten, "Locks", "underReentrantLock", lockType), reentrant, n);
            out[1] = call(method(rewritten, "Locks", "underTryLock", MethodType.methodType(long.class, Lock.class, long.class)),
                other, n);
            out[2] = call(method(rewritten, "Locks", "underWriteLock",
                MethodType.methodType(long.class, ReentrantReadWriteLock.class, long.class)), rw, n);
            out[3] = call(method(rewritten, "Locks", "acrossMethods", MethodType.methodType(long.class, Lock.class, long.class)),
                across, n);
        }).watch(reentrant::isHeldByCurrentThread, other::isHeldByCurrentThread, rw::isWriteLockedByCurrentThread,
            across::isHeldByCurrentThread));
        final long expected = call(method(plain, "Loops", "spin", LONG_LONG), n);
        for (final long v : out)
        {
            assertEquals(expected, v);
        }
        assertEquals(0, p.violations.get(), "gave way holding a lock");
        assertTrue(p.yields.get() <= 4, "yields " + p.yields.get());
        assertEquals(0, p.savedUnsafeDepth);
    }

    @Test
    void callbacksUnderJdkLocksAreUnsafeOthersPreemptible() throws Exception
    {
        final long n = 100_000; // 25 budgets per callback
        final MethodType mapType = MethodType.methodType(long.class, Map.class, long.class);
        final MethodType listType = MethodType.methodType(long.class, List.class, long.class);

        final ConcurrentHashMap<Integer, Long> chm = new ConcurrentHashMap<>();
        final TestCarrier.Proc locked = runOnA(new TestCarrier.Proc(() ->
        {
            call(method(rewritten, "Callbacks", "chmCompute", MethodType.methodType(long.class, ConcurrentHashMap.class, long.class)),
                chm, n);
            final ConcurrentHashMap<Integer, Long> m = new ConcurrentHashMap<>(Map.of(1, 1L));
            call(method(rewritten, "Callbacks", "mapMerge", mapType), m, n);
            final Map<Integer, Long> syncMap = Collections.synchronizedMap(new HashMap<>(Map.of(1, 1L)));
            call(method(rewritten, "Callbacks", "mapMerge", mapType), syncMap, n);
            final List<Long> syncList = Collections.synchronizedList(new ArrayList<>(List.of(1L, 2L)));
            call(method(rewritten, "Callbacks", "forEach", listType), syncList, n);
        }));
        assertEquals(0, locked.violations.get());
        assertTrue(locked.yields.get() <= 5, "gave way inside a JDK-locked callback: yields " + locked.yields.get());
        assertEquals(0, locked.savedUnsafeDepth);

        final TestCarrier.Proc open = runOnA(new TestCarrier.Proc(() ->
        {
            call(method(rewritten, "Callbacks", "mapMerge", mapType), new HashMap<>(Map.of(1, 1L)), n);
            call(method(rewritten, "Callbacks", "forEach", listType), new ArrayList<>(List.of(1L, 2L)), n);
        }));
        assertTrue(open.yields.get() >= 3 * n / BUDGET - 3, "unlocked callbacks stay preemptible: yields " + open.yields.get());
    }

    @Test
    void movingBetweenCarriersChargesTheRightOne() throws Exception
    {
        // One compiled frame lives across thousands of yields while the process moves to the
        // other carrier at every schedule-in. A poll that cached its carrier (Thread.currentThread()
        // under C2) would charge the carrier it left, so this fails with fewer yields, or with a
        // yield inside the monitor (the depth counted on one carrier, the poll made on another).
        final long n = 20_000_000;
        final Object lock = monitor();
        final MethodHandle loop = method(rewritten, "Sync", "longLoopWithMonitor", LONG_LONG);
        final long[] out = new long[1];
        final TestCarrier.Proc p = new TestCarrier.Proc(() -> out[0] = call(loop, n)).watch(() -> Thread.holdsLock(lock));
        TestCarrier.runMigrating(p, a, b);
        assertEquals(call(method(plain, "Sync", "longLoopWithMonitor", LONG_LONG), n), out[0]);
        assertEquals(0, p.violations.get(), "charged a carrier the process was not on, or gave way holding the monitor");
        // n back-edges, and per 256 of them a call to mix: entry + 4 back-edges.
        final long reductions = n + n / 256 * 5;
        assertTrue(p.yields.get() >= reductions / BUDGET * 9 / 10, "yields " + p.yields.get() + " of ~" + reductions / BUDGET);
    }

    @Test
    void plainThreadsAndIdleCarriersAreUnaffected() throws Exception
    {
        final long n = 300_000;
        assertEquals(call(method(plain, "Loops", "spin", LONG_LONG), n), call(method(rewritten, "Loops", "spin", LONG_LONG), n));
        assertEquals(call(method(plain, "Sync", "inBlock", LONG_LONG), n), call(method(rewritten, "Sync", "inBlock", LONG_LONG), n));
        assertTrue(!(Preemption.carrierThread() instanceof PreemptibleCarrier));
        // On a carrier but outside any process the budget is parked at MAX_VALUE.
        final long[] out = new long[1];
        final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        final PreemptibleCarrier idle = new PreemptibleCarrier(null, "idle-carrier")
        {
            @Override
            protected void budgetSpent()
            {
                throw new AssertionError("no process is mounted");
            }

            @Override
            public void run()
            {
                out[0] = call(method(rewritten, "Loops", "spin", LONG_LONG), n);
                Preemption.exitUnsafe();
                out[0] += unsafeDepth; // never below 0
                done.complete(null);
            }
        };
        idle.start();
        done.get();
        assertEquals(call(method(plain, "Loops", "spin", LONG_LONG), n), out[0]);
    }

    private static Class<?> sampleClass(final String name)
    {
        try
        {
            return Class.forName(SAMPLES + name, true, rewritten);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static Object monitor()
    {
        try
        {
            return sampleClass("Sync").getField("LOCK").get(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
