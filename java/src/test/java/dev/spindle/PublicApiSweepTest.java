package dev.spindle;

import dev.spindle.testing.Nodes;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every public method of {@link Node}, {@link Inbox}, {@link Proc}, {@link GenServer},
 * {@link Supervisor}, {@link SpawnOptions} and {@link NodeConfig.Builder}, called by reflection
 * with one bad argument at a time (null, negative, out of range, a pid that is not alive or of an
 * unknown node), on an open node and again after close, and on a distributed node with its peer
 * up, then down: each call must return or throw a clear error (an argument, state or Spindle
 * exception with a message that names the problem; no JDK "Cannot invoke ... because ... is
 * null", no cast or index error, no Error), and none may hang. {@link Proc} and {@link GenServer}
 * are swept from a plain thread and inside a process (one fresh process per call, of both kinds
 * for Proc: a raw continuation and a virtual thread; there an exit
 * is the documented answer of exit and of a link to a dead process). Methods added later are
 * swept too.
 */
class PublicApiSweepTest
{
    private static final long HANG_SECONDS = 10;
    /** Proc methods documented to end the calling process (exit; link to a dead process: noproc), as the BEAM's do. */
    private static final Set<String> EXITS_THE_CALLER = Set.of("exit", "link");

    private final List<String> failures = new ArrayList<>();
    private int calls;
    /** When set, calls are made inside a fresh process of this node, one per call. */
    private Node inProcess;
    /** How those processes are spawned: raw continuations, or virtual threads (the other process kind). */
    private SpawnOptions inProcessOptions = SpawnOptions.defaults();
    private ExecutorService caller = newCaller();

    @Test
    void badArgumentsOpenAndClosedGiveClearErrorsNeverCrashesOrHangs() throws Exception
    {
        final Node node = Nodes.start(RunQueues.NATIVE, 2);
        try
        {
            final Inbox inbox = node.inbox();
            final Pid sink = node.spawn(() -> Proc.receive(m -> false));
            final Ref ref = node.monitor(sink, d -> { });
            final Values v = new Values(node, sink, ref, "api-sweep-nowhere");

            sweep("open node", node, methods(Node.class, false, Set.of("close")), v, false);
            sweep("open inbox", inbox, methods(Inbox.class, false, Set.of("close", "receive()")), v, false);
            sweep("Proc from a thread", null, methods(Proc.class, true, Set.of()), v, true);
            inProcess = node;
            sweep("Proc in a process", null, methods(Proc.class, true, Set.of()), v, false);
            inProcessOptions = SpawnOptions.defaults().virtualThread(true);
            sweep("Proc in a virtual-thread process", null, methods(Proc.class, true, Set.of()), v, false);
            inProcessOptions = SpawnOptions.defaults();
            inProcess = null;
            sweep("Supervisor", null, methods(Supervisor.class, true, Set.of()), v, false);
            sweep("GenServer", null, methods(GenServer.class, true, Set.of()), v, false);
            inProcess = node;
            sweep("GenServer in a process", null, methods(GenServer.class, true, Set.of()), v, false);
            inProcess = null;
            sweep("SpawnOptions", SpawnOptions.defaults(), methods(SpawnOptions.class, false, Set.of()), v, false);
            sweep("NodeConfig.Builder", NodeConfig.builder(), methods(NodeConfig.Builder.class, false, Set.of()), v, false);

            inbox.close();
            sweep("closed inbox", inbox, methods(Inbox.class, false, Set.of()), v, true);
            node.close();
            sweep("closed node", node, methods(Node.class, false, Set.of()), v, true);
            sweep("inbox of a closed node", inbox, methods(Inbox.class, false, Set.of()), v, true);
        }
        finally
        {
            node.close(); // idempotent: the sweep closed it already unless something threw
            caller.shutdownNow();
        }
        assertEquals(List.of(), failures, failures.size() + " of " + calls + " calls answered unclearly:\n" + String.join("\n", failures));
        assertTrue(calls > 500, "the sweep made " + calls + " calls"); // it found the methods
    }

    @Test
    void aDistributedNodeWithItsPeerUpThenDownThenClosed() throws Exception
    {
        final Node a = Node.start(distributed("api-sweep-a"));
        final Node b = Node.start(distributed("api-sweep-b"));
        try
        {
            a.connect("api-sweep-b", b.address());
            final Pid sink = a.spawn(() -> Proc.receive(m -> false));
            final Values v = new Values(a, sink, a.monitor(sink, d -> { }), "api-sweep-b");
            final Set<String> skip = Set.of("close");
            sweep("distributed node", a, methods(Node.class, false, skip), v, false);
            inProcess = a;
            sweep("Proc in a process of a distributed node", null, methods(Proc.class, true, Set.of()), v, false);
            inProcess = null;
            b.close();
            sweep("distributed node, peer closed", a, methods(Node.class, false, skip), v, false);
            a.close();
            sweep("closed distributed node", a, methods(Node.class, false, Set.of()), v, true);
        }
        finally
        {
            b.close();
            a.close();
            caller.shutdownNow();
        }
        assertEquals(List.of(), failures, failures.size() + " of " + calls + " calls answered unclearly:\n" + String.join("\n", failures));
        assertTrue(calls > 300, "the sweep made " + calls + " calls");
    }

    /**
     * The same methods with valid arguments, from four threads and four processes at random, while
     * the node closes under them: every call returns or fails clearly (mostly {@link NodeClosedException}), none
     * hangs, and the JVM survives (native run queues are freed at close).
     */
    @Test
    void callsRacingCloseFailClearlyAndNeverCrash() throws Exception
    {
        final List<Method> nodeMethods = methods(Node.class, false, Set.of("close"));
        final List<Method> inboxMethods = methods(Inbox.class, false, Set.of("close", "receive()"));
        final List<String> raceFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int round = 0; round < 20; round++)
        {
            final Node node = Nodes.start(round % 2 == 0 ? RunQueues.NATIVE : RunQueues.JAVA, 2);
            final Inbox inbox = node.inbox();
            final Pid sink = node.spawn(() -> Proc.receive(m -> false));
            final Values v = new Values(node, sink, node.monitor(sink, d -> { }), "api-sweep-nowhere");
            final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final java.util.Random random = new java.util.Random(round * 31L + t);
                threads.add(Thread.ofPlatform().name("api-race-" + t).start(() ->
                {
                    // Keep calling until a while after close: the calls that matter race it.
                    for (int i = 0; i < 10_000 && !(closed.get() && i % 64 == 63 && random.nextInt(4) == 0); i++)
                    {
                        final boolean onInbox = random.nextInt(4) == 0;
                        final Method m = (onInbox ? inboxMethods : nodeMethods).get(random.nextInt((onInbox ? inboxMethods : nodeMethods).size()));
                        final Object[] args = Arrays.stream(m.getParameterTypes()).map(v::valid).toArray();
                        final Throwable e = invoke(m, onInbox ? inbox : node, args);
                        if (e != null && !clear(e))
                        {
                            raceFailures.add(m.getName() + Arrays.deepToString(args) + " threw " + e);
                        }
                    }
                }));
            }
            // And processes (of both kinds) calling Proc's methods until the close ends them. The
            // exit that close sends unwinds them as an Error: only the rest is judged.
            final List<Method> procMethods = methods(Proc.class, true, Set.of("exit", "receive()"));
            for (int p = 0; p < 4; p++)
            {
                final java.util.Random random = new java.util.Random(round * 37L + p);
                node.spawn(() ->
                {
                    for (;;)
                    {
                        final Method m = procMethods.get(random.nextInt(procMethods.size()));
                        final Object[] args = Arrays.stream(m.getParameterTypes()).map(v::valid).toArray();
                        final Throwable e = invoke(m, null, args);
                        if (e instanceof Error err)
                        {
                            throw err;
                        }
                        if (e != null && !clear(e))
                        {
                            raceFailures.add("in a process: " + m.getName() + Arrays.deepToString(args) + " threw " + e);
                        }
                    }
                }, SpawnOptions.defaults().virtualThread(p % 2 == 1));
            }
            Thread.sleep(5 + round);
            node.close();
            closed.set(true);
            for (final Thread t : threads)
            {
                t.join(TimeUnit.SECONDS.toMillis(HANG_SECONDS));
                if (t.isAlive())
                {
                    raceFailures.add(t.getName() + " still in a call " + HANG_SECONDS + " s after close: " + Arrays.toString(t.getStackTrace()));
                    t.interrupt();
                }
            }
        }
        assertEquals(List.of(), raceFailures.stream().distinct().limit(20).toList(), raceFailures.size() + " racing calls answered unclearly");
    }

    private static NodeConfig distributed(final String name)
    {
        return NodeConfig.builder().schedulers(1).pinned(false).name(name).cookie("api-sweep")
            .heartbeat(Duration.ofMillis(100), Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static ExecutorService newCaller()
    {
        return Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "api-sweep-caller");
            t.setDaemon(true);
            return t;
        });
    }

    /** Public methods declared by {@code type}, static or not, minus those named in {@code skip} (by name, or name() for the no-argument one). */
    private static List<Method> methods(final Class<?> type, final boolean statics, final Set<String> skip)
    {
        return Arrays.stream(type.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) == statics && !m.isSynthetic())
            .filter(m -> !skip.contains(m.getName()) && !(m.getParameterCount() == 0 && skip.contains(m.getName() + "()")))
            .filter(m -> !(statics && m.getName().equals("start"))) // Node.start makes nodes: not a call on this one
            .sorted(Comparator.comparing(Method::toString))
            .toList();
    }

    /**
     * Calls each method with valid arguments but one bad one, for every position and bad value;
     * with {@code alsoValid}, once with all valid too (on closed objects nothing may block).
     */
    private void sweep(final String where, final Object target, final List<Method> methods, final Values v, final boolean alsoValid)
        throws InterruptedException
    {
        for (final Method m : methods)
        {
            final Class<?>[] types = m.getParameterTypes();
            final Object[] valid = new Object[types.length];
            for (int i = 0; i < types.length; i++)
            {
                valid[i] = v.valid(types[i]);
            }
            if (alsoValid)
            {
                call(where, target, m, valid.clone());
            }
            for (int i = 0; i < types.length; i++)
            {
                for (final Object bad : v.bad(types[i]))
                {
                    final Object[] args = valid.clone();
                    args[i] = bad;
                    call(where, target, m, args);
                }
            }
        }
    }

    private void call(final String where, final Object target, final Method m, final Object[] args) throws InterruptedException
    {
        calls++;
        final String what = where + ": " + m.getDeclaringClass().getSimpleName() + "." + m.getName() + Arrays.deepToString(args);
        final Future<Throwable> f;
        if (inProcess == null)
        {
            f = caller.submit(() -> invoke(m, target, args));
        }
        else
        {
            final java.util.concurrent.CompletableFuture<Throwable> done = new java.util.concurrent.CompletableFuture<>();
            inProcess.spawn(() ->
            {
                final Throwable t = invoke(m, target, args);
                done.complete(t);
                if (t instanceof Error e)
                {
                    throw e; // an exit unwinds the process: let it
                }
            }, inProcessOptions);
            f = done;
        }
        final Throwable t;
        try
        {
            t = f.get(HANG_SECONDS, TimeUnit.SECONDS);
        }
        catch (final TimeoutException e)
        {
            failures.add(what + " did not return within " + HANG_SECONDS + " s");
            f.cancel(true);
            caller.shutdownNow();
            caller = newCaller(); // the next calls must not queue behind the hung one
            return;
        }
        catch (final java.util.concurrent.ExecutionException e)
        {
            failures.add(what + " could not be called: " + e.getCause());
            return;
        }
        if (t != null && !clear(t) && !(inProcess != null && EXITS_THE_CALLER.contains(m.getName()) && t instanceof Error && !Arrays.asList(args).contains(null)))
        {
            final StackTraceElement top = t.getStackTrace().length == 0 ? null : t.getStackTrace()[0];
            failures.add(what + " threw " + t + " at " + top);
        }
    }

    private static Throwable invoke(final Method m, final Object target, final Object[] args)
    {
        try
        {
            m.invoke(target, args);
            return null;
        }
        catch (final InvocationTargetException e)
        {
            return e.getCause();
        }
        catch (final IllegalAccessException e)
        {
            return new AssertionError(e);
        }
    }

    /** A clear error: an argument, state or Spindle exception whose message says what is wrong. */
    private static boolean clear(final Throwable t)
    {
        final boolean kind = t instanceof IllegalArgumentException || t instanceof IllegalStateException
            || t instanceof NullPointerException || t instanceof UnsupportedOperationException
            || (t instanceof RuntimeException && t.getClass().getPackageName().equals("dev.spindle"));
        final String msg = t.getMessage();
        final boolean said = msg != null && !msg.isBlank()
            && !(t instanceof NullPointerException && msg.startsWith("Cannot ") && msg.contains(" because ")); // the JDK's helpful NPE: no check of ours
        return kind && said;
    }

    /** Arguments by parameter type: a valid one and the bad ones. */
    private record Values(Node node, Pid sink, Ref ref, String peer)
    {
        Object valid(final Class<?> t)
        {
            if (t == Pid.class)
            {
                return sink;
            }
            if (t == String.class)
            {
                return "api-sweep";
            }
            if (t == Duration.class)
            {
                return Duration.ofMillis(20);
            }
            if (t == int.class)
            {
                return 1;
            }
            if (t == long.class)
            {
                return 1L;
            }
            if (t == boolean.class)
            {
                return false;
            }
            if (t == ProcessBody.class)
            {
                return (ProcessBody)() -> { };
            }
            if (t == SpawnOptions.class)
            {
                return SpawnOptions.defaults();
            }
            if (t == Consumer.class)
            {
                return (Consumer<Object>)x -> { };
            }
            if (t == Predicate.class)
            {
                return (Predicate<Object>)x -> true;
            }
            if (t == java.util.concurrent.Callable.class)
            {
                return (java.util.concurrent.Callable<Object>)() -> 1;
            }
            if (t == GenServer.class)
            {
                return (GenServer<Object>)() -> "state";
            }
            if (t == Node.class)
            {
                return node;
            }
            if (t == Supervisor.ChildSpec.class)
            {
                return new Supervisor.ChildSpec("api-sweep", () -> { }, Supervisor.Restart.TEMPORARY);
            }
            if (t == int[].class)
            {
                return new int[] {0};
            }
            if (t == List.class)
            {
                return List.of();
            }
            if (t == Class.class)
            {
                return String.class;
            }
            if (t.isArray() && !t.getComponentType().isPrimitive())
            {
                final Object one = valid(t.getComponentType()); // varargs: one valid element, or none
                final Object a = java.lang.reflect.Array.newInstance(t.getComponentType(), one == null ? 0 : 1);
                if (one != null)
                {
                    java.lang.reflect.Array.set(a, 0, one);
                }
                return a;
            }
            if (t == Ref.class)
            {
                return ref;
            }
            if (t == RemoteName.class)
            {
                return new RemoteName(peer, "api-sweep");
            }
            if (t == SystemMonitor.class)
            {
                return SystemMonitor.OFF;
            }
            if (t.isEnum())
            {
                return t.getEnumConstants()[0];
            }
            if (t == Object.class)
            {
                return "api-sweep";
            }
            return null; // no valid value known: the call is then made with null there too
        }

        List<Object> bad(final Class<?> t)
        {
            final List<Object> out = new ArrayList<>();
            if (t == int.class)
            {
                out.addAll(List.of(-1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE));
            }
            else if (t == long.class)
            {
                out.addAll(List.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE));
            }
            else if (t == double.class)
            {
                out.addAll(List.of(Double.NaN, -1.0));
            }
            else if (!t.isPrimitive())
            {
                out.add(null);
                if (t == Pid.class || t == Object.class)
                {
                    out.add(new Pid(node.id(), 999_999, 7)); // not alive here
                    out.add(new Pid(node.id() + 100, 1, 1)); // of a node this one never heard of
                }
                if (t == String.class)
                {
                    out.add("");
                }
                if (t.isArray() && !t.getComponentType().isPrimitive())
                {
                    out.add(java.lang.reflect.Array.newInstance(t.getComponentType(), 1)); // a null element
                }
                if (t == int[].class)
                {
                    out.add(new int[0]);
                    out.add(new int[] {-1});
                    out.add(new int[] {0, 0});
                }
                if (t == Duration.class)
                {
                    out.add(Duration.ofSeconds(-1));
                    out.add(Duration.ZERO);
                }
            }
            return out;
        }
    }
}
