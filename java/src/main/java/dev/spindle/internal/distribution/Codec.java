package dev.spindle.internal.distribution;

import dev.spindle.Call;
import dev.spindle.Down;
import dev.spindle.Exit;
import dev.spindle.NodeDown;
import dev.spindle.Pid;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.RemoteName;
import dev.spindle.RemoteSendException;
import org.apache.fory.Fory;
import org.apache.fory.config.Language;
import org.apache.fory.logging.LogLevel;
import org.apache.fory.logging.LoggerFactory;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.memory.MemoryUtils;
import org.apache.fory.serializer.Serializer;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One serializer (an Apache Fory instance, which is not thread-safe) with its frame buffer: frames
 * are written and read through it (docs/distribution.md, "Wire format"). Fory was chosen over Kryo
 * with {@code bench/.../jmh/WireFormatBench}. Classes are registered by name, so nodes may list
 * their message classes in any order; an unregistered class is refused on both sides (a peer
 * cannot make this node build arbitrary objects). Pids and refs travel as (node name, creation,
 * numbers) and come back as this JVM's aliases ({@link NodeIds}); reasons keep their identity.
 * Codecs are pooled by {@link Distribution}: a sender takes one for the duration of one frame.
 */
final class Codec
{
    static
    {
        LoggerFactory.setLogLevel(LogLevel.WARN_LEVEL); // Fory logs every class it compiles at INFO
    }

    private static final Map<String, Reason> REASONS = reasons();

    /** The classes of the runtime's own messages (their fields' types are registered too). */
    private static final List<Class<?>> SPINDLE = List.of(Down.class, Exit.class, Call.class, NodeDown.class,
        RemoteName.class, WhereisReply.class);

    /**
     * Runtime classes found by name: the call reply is not public, and the generic server's cast
     * and stop records are nested in the API's entry point, which internals may not name (the
     * layering of docs/architecture.md): they are wire types, not calls up.
     */
    private static final List<String> SPINDLE_BY_NAME = List.of("dev.spindle.internal.runtime.ProcessOps$Reply",
        Pid.class.getPackageName() + ".GenServer$Cast", Pid.class.getPackageName() + ".GenServer$Stop");

    /** JDK types messages commonly hold, beyond those Fory knows without registration. */
    private static final List<Class<?>> JDK = List.of(java.util.ArrayList.class, java.util.LinkedList.class,
        java.util.HashMap.class, java.util.LinkedHashMap.class, java.util.TreeMap.class, java.util.HashSet.class,
        java.util.LinkedHashSet.class, java.util.TreeSet.class, java.util.ArrayDeque.class, java.util.UUID.class,
        java.time.Duration.class, java.time.Instant.class, java.math.BigInteger.class, java.math.BigDecimal.class,
        Object[].class, String[].class, byte[].class, int[].class, long[].class, double[].class);

    final Fory fory;
    /** The frame being written; grown by Fory as needed. */
    final MemoryBuffer out = MemoryUtils.buffer(256);
    private final MemoryBuffer probe = MemoryUtils.buffer(256);
    private final org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(new byte[0]);

    Codec(final List<Class<?>> messageClasses)
    {
        fory = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(true).withRefTracking(false)
            .withAsyncCompilation(false).withClassLoader(Codec.class.getClassLoader()).build();
        fory.registerSerializer(Pid.class, new PidSerializer(fory));
        fory.registerSerializer(Ref.class, new RefSerializer(fory));
        fory.registerSerializer(Reason.class, new ReasonSerializer(fory));
        final ClassLoader loader = Codec.class.getClassLoader();
        final List<Class<?>> all = new ArrayList<>(SPINDLE);
        for (final String n : SPINDLE_BY_NAME)
        {
            try
            {
                all.add(Class.forName(n, false, loader));
            }
            catch (final ClassNotFoundException e)
            {
                throw new IllegalStateException("runtime class " + n + " is missing", e);
            }
        }
        all.addAll(JDK);
        all.addAll(messageClasses);
        final java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        for (final Class<?> c : all)
        {
            if (seen.add(c) && !isBuiltIn(c))
            {
                try
                {
                    fory.register(c, "n", c.getName());
                }
                catch (final IllegalArgumentException alreadyKnown)
                {
                    // Fory registers the common JDK types itself
                }
            }
        }
    }

    private boolean isBuiltIn(final Class<?> c)
    {
        return c == Pid.class || c == Ref.class || c == Reason.class;
    }

    private static Map<String, Reason> reasons()
    {
        final Map<String, Reason> m = new ConcurrentHashMap<>();
        for (final Field f : Reason.class.getFields())
        {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Reason.class)
            {
                try
                {
                    final Reason r = (Reason)f.get(null);
                    m.put(r.toString(), r);
                }
                catch (final IllegalAccessException e)
                {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
    }

    /**
     * @param bytes a frame's bytes
     * @param len its length
     * @return an Aeron-ready view of them (reused)
     */
    org.agrona.concurrent.UnsafeBuffer view(final byte[] bytes, final int len)
    {
        if (view.byteArray() != bytes || view.capacity() != len)
        {
            view.wrap(bytes, 0, len);
        }
        return view;
    }

    // ---- frames: header fields ----

    /** Starts a frame in {@link #out}. */
    MemoryBuffer begin(final byte type)
    {
        out.writerIndex(0);
        out.writeByte(type);
        return out;
    }

    void writeString(final MemoryBuffer b, final String s)
    {
        fory.writeJavaString(b, s);
    }

    String readString(final MemoryBuffer b)
    {
        return fory.readJavaString(b);
    }

    /** A pid as (node name, creation, index, serial). */
    static void writePid(final Fory f, final MemoryBuffer b, final Pid p)
    {
        final NodeIds.Key key = NodeIds.key(p.node());
        if (key == null)
        {
            throw new UnencodableException("pid " + p + " belongs to a node without a name; it cannot leave this JVM");
        }
        f.writeJavaString(b, key.name());
        b.writeInt32(key.creation());
        b.writeInt32(p.index());
        b.writeInt32(p.serial());
    }

    static Pid readPid(final Fory f, final MemoryBuffer b)
    {
        final String name = f.readJavaString(b);
        final int creation = b.readInt32();
        return new Pid(NodeIds.alias(name, creation), b.readInt32(), b.readInt32());
    }

    static void writeRef(final Fory f, final MemoryBuffer b, final Ref r)
    {
        final NodeIds.Key key = NodeIds.key(r.node());
        if (key == null)
        {
            throw new UnencodableException("ref " + r + " belongs to a node without a name; it cannot leave this JVM");
        }
        f.writeJavaString(b, key.name());
        b.writeInt32(key.creation());
        b.writeInt64(r.id());
    }

    static Ref readRef(final Fory f, final MemoryBuffer b)
    {
        final String name = f.readJavaString(b);
        final int creation = b.readInt32();
        return new Ref(NodeIds.alias(name, creation), b.readInt64());
    }

    void writePid(final MemoryBuffer b, final Pid p)
    {
        writePid(fory, b, p);
    }

    Pid readPid(final MemoryBuffer b)
    {
        return readPid(fory, b);
    }

    void writeRef(final MemoryBuffer b, final Ref r)
    {
        writeRef(fory, b, r);
    }

    Ref readRef(final MemoryBuffer b)
    {
        return readRef(fory, b);
    }

    // ---- frames: payloads ----

    /**
     * Appends a message to the frame in {@link #out}.
     *
     * @param message the message.
     * @param to      its receiver, for the error.
     * @param node    the receiver's node, for the error.
     * @throws RemoteSendException naming the class and field that cannot be encoded.
     */
    void writeMessage(final Object message, final Object to, final String node)
    {
        final int start = out.writerIndex();
        try
        {
            fory.serialize(out, message);
        }
        catch (final RuntimeException | StackOverflowError e)
        {
            out.writerIndex(start);
            throw new RemoteSendException("cannot send " + describe(message) + " to " + to + " on node '" + node + "': " +
                diagnose(message, e), e instanceof RuntimeException ? e : null);
        }
    }

    /**
     * Appends an exit reason: itself if it can be encoded, else its {@code toString()} (a Throwable
     * or an unregistered object still tells the other side what happened).
     */
    void writeReason(final Object reason)
    {
        final int start = out.writerIndex();
        try
        {
            fory.serialize(out, reason);
        }
        catch (final RuntimeException | StackOverflowError e)
        {
            out.writerIndex(start);
            fory.serialize(out, String.valueOf(reason));
        }
    }

    /**
     * @param in a frame positioned at a payload
     * @return the object
     */
    Object readObject(final MemoryBuffer in)
    {
        return fory.deserialize(in);
    }

    private static String describe(final Object o)
    {
        return o == null ? "null" : "a " + o.getClass().getName();
    }

    // ---- diagnosis: which field holds what cannot be encoded ----

    private String diagnose(final Object message, final Throwable e)
    {
        if (e instanceof StackOverflowError)
        {
            return "it is too deep or has a cycle (messages are trees: no reference tracking)";
        }
        final String[] path = {null};
        final Object culprit = culprit(message, message.getClass().getSimpleName(), path, new IdentityHashMap<>(), 0);
        final Object bad = culprit == null ? message : culprit;
        final String why = encodeError(bad);
        final String where = path[0] == null ? "the message itself" : "field " + path[0];
        return where + " holds " + describe(bad) + ", which cannot be encoded: " + (why == null ? e.getMessage() : why) +
            (why != null && why.contains("not registered") || String.valueOf(e.getMessage()).contains("not registered") ?
                " (register it with NodeConfig.Builder.messageClasses(...) on every node)" : "");
    }

    /** @return the error encoding {@code o} alone gives, or null when it encodes */
    private String encodeError(final Object o)
    {
        try
        {
            probe.writerIndex(0);
            fory.serialize(probe, o);
            return null;
        }
        catch (final RuntimeException | StackOverflowError e)
        {
            return String.valueOf(e.getMessage());
        }
    }

    /**
     * Depth first: the innermost object that cannot be encoded on its own while all of its parts
     * can; its path is left in {@code path[0]}.
     */
    private Object culprit(final Object o, final String here, final String[] path, final IdentityHashMap<Object, Boolean> seen,
                           final int depth)
    {
        if (o == null || depth > 64 || seen.put(o, Boolean.TRUE) != null)
        {
            return null;
        }
        for (final Map.Entry<String, Object> part : parts(o, here))
        {
            final Object v = part.getValue();
            if (v != null && encodeError(v) != null)
            {
                final Object deeper = culprit(v, part.getKey(), path, seen, depth + 1);
                if (deeper != null)
                {
                    return deeper;
                }
                path[0] = part.getKey();
                return v;
            }
        }
        return null;
    }

    private static List<Map.Entry<String, Object>> parts(final Object o, final String here)
    {
        final List<Map.Entry<String, Object>> out = new ArrayList<>();
        if (o instanceof Object[] a)
        {
            for (int i = 0; i < a.length; i++)
            {
                out.add(Map.entry(here + "[" + i + "]", a[i] == null ? "" : a[i]));
            }
        }
        else if (o instanceof Collection<?> c)
        {
            int i = 0;
            for (final Object e : c)
            {
                out.add(Map.entry(here + "[" + i++ + "]", e == null ? "" : e));
            }
        }
        else if (o instanceof Map<?, ?> m)
        {
            for (final Map.Entry<?, ?> e : m.entrySet())
            {
                out.add(Map.entry(here + "{key " + e.getKey() + "}", e.getKey() == null ? "" : e.getKey()));
                out.add(Map.entry(here + "{" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue()));
            }
        }
        else if (o.getClass().isRecord())
        {
            for (final RecordComponent rc : o.getClass().getRecordComponents())
            {
                try
                {
                    final java.lang.reflect.Method acc = rc.getAccessor();
                    acc.setAccessible(true);
                    final Object v = acc.invoke(o);
                    out.add(Map.entry(here + "." + rc.getName(), v == null ? "" : v));
                }
                catch (final ReflectiveOperationException | RuntimeException ignored)
                {
                    // not readable: the object itself is reported
                }
            }
        }
        else if (!o.getClass().getName().startsWith("java."))
        {
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass())
            {
                for (final Field f : c.getDeclaredFields())
                {
                    if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers()))
                    {
                        continue;
                    }
                    try
                    {
                        f.setAccessible(true);
                        final Object v = f.get(o);
                        out.add(Map.entry(here + "." + f.getName(), v == null ? "" : v));
                    }
                    catch (final ReflectiveOperationException | RuntimeException ignored)
                    {
                        // not readable: the object itself is reported
                    }
                }
            }
        }
        return out;
    }

    /** A pid or ref that cannot travel (its node has no name). */
    static final class UnencodableException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UnencodableException(final String message)
        {
            super(message);
        }
    }

    // ---- the runtime's value types ----

    private static final class PidSerializer extends Serializer<Pid>
    {
        PidSerializer(final Fory f)
        {
            super(f, Pid.class);
        }

        @Override
        public void write(final MemoryBuffer b, final Pid p)
        {
            writePid(fory, b, p);
        }

        @Override
        public Pid read(final MemoryBuffer b)
        {
            return readPid(fory, b);
        }
    }

    private static final class RefSerializer extends Serializer<Ref>
    {
        RefSerializer(final Fory f)
        {
            super(f, Ref.class);
        }

        @Override
        public void write(final MemoryBuffer b, final Ref r)
        {
            writeRef(fory, b, r);
        }

        @Override
        public Ref read(final MemoryBuffer b)
        {
            return readRef(fory, b);
        }
    }

    /** Reasons are compared by identity ({@code reason == Reason.KILL}): they come back as the constants. */
    private static final class ReasonSerializer extends Serializer<Reason>
    {
        ReasonSerializer(final Fory f)
        {
            super(f, Reason.class);
        }

        @Override
        public void write(final MemoryBuffer b, final Reason r)
        {
            fory.writeJavaString(b, r.toString());
        }

        @Override
        public Reason read(final MemoryBuffer b)
        {
            final String atom = fory.readJavaString(b);
            final Reason r = REASONS.get(atom);
            if (r == null)
            {
                throw new IllegalStateException("unknown reason '" + atom + "' from another node (a newer version?)");
            }
            return r;
        }
    }
}
