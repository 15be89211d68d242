package dev.spindle.bench.jmh;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.spindle.Pid;
import dev.spindle.Ref;
import org.apache.fory.Fory;
import org.apache.fory.config.Language;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.memory.MemoryUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The serializer for distribution's wire format, chosen with this benchmark (docs/distribution.md,
 * "Wire format"): Apache Fory against Kryo, each set up as the distribution layer uses it (classes
 * registered, no reference tracking, a custom serializer for pids that writes the node's name,
 * creation, index and serial), one op = serialize into a reused buffer and read the object back.
 * <ul>
 *   <li>{@code order}: a small record (long, String, int, double, Pid): a typical request.</li>
 *   <li>{@code call}: a call envelope (Pid, Ref, a String request), as GenServer calls send.</li>
 *   <li>{@code batch}: a record holding a list of 16 small records.</li>
 *   <li>{@code blob}: a record carrying 1 KiB of bytes.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/java.util=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow"})
public class WireFormatBench
{
    /** A typical request. */
    public record Order(long id, String symbol, int quantity, double price, Pid replyTo)
    {
    }

    /** A call envelope. */
    public record Envelope(Pid from, Ref ref, Object request)
    {
    }

    /** A batch of requests. */
    public record Batch(List<Order> orders)
    {
    }

    /** A large payload. */
    public record Blob(long id, byte[] bytes)
    {
    }

    private static final String[] NODE_NAMES = {"orders", "risk"};

    /** Which message. */
    @Param({"order", "call", "batch", "blob"})
    public String message;

    private Object value;
    private Fory fory;
    private MemoryBuffer foryBuffer;
    private Kryo kryo;
    private Output kryoOut;
    private Input kryoIn;

    @Setup
    public void setup()
    {
        final Pid pid = new Pid(1, 4711, 3);
        final Order order = new Order(42L, "ACME", 100, 12.5, pid);
        value = switch (message)
        {
            case "order" -> order;
            case "call" -> new Envelope(pid, new Ref(1, 123456789L), "get-limits");
            case "batch" -> new Batch(java.util.stream.IntStream.range(0, 16)
                .mapToObj(i -> new Order(i, "S" + i, i, i * 0.5, pid)).collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new)));
            default -> new Blob(7L, new byte[1024]);
        };
        fory = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(true).withRefTracking(false)
            .withAsyncCompilation(false).build();
        fory.registerSerializer(Pid.class, new ForyPid(fory));
        fory.registerSerializer(Ref.class, new ForyRef(fory));
        fory.register(Order.class);
        fory.register(Envelope.class);
        fory.register(Batch.class);
        fory.register(Blob.class);
        foryBuffer = MemoryUtils.buffer(4096);
        kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(Pid.class, new KryoPid());
        kryo.register(Ref.class, new KryoRef());
        kryo.register(Order.class);
        kryo.register(Envelope.class);
        kryo.register(Batch.class);
        kryo.register(Blob.class);
        kryo.register(byte[].class);
        kryo.register(java.util.ArrayList.class);
        kryoOut = new Output(4096, -1);
        kryoIn = new Input();
        if (!roundTrip(true).equals(roundTrip(false)) && !message.equals("blob"))
        {
            throw new IllegalStateException("the two formats disagree on " + message);
        }
    }

    private Object roundTrip(final boolean useFory)
    {
        return useFory ? fory() : kryo();
    }

    /** @return the object read back */
    @Benchmark
    public Object fory()
    {
        foryBuffer.writerIndex(0);
        foryBuffer.readerIndex(0);
        fory.serialize(foryBuffer, value);
        return fory.deserialize(foryBuffer);
    }

    /** @return the object read back */
    @Benchmark
    public Object kryo()
    {
        kryoOut.reset();
        kryo.writeClassAndObject(kryoOut, value);
        kryoIn.setBuffer(kryoOut.getBuffer(), 0, kryoOut.position());
        return kryo.readClassAndObject(kryoIn);
    }

    /** @return bytes one message takes in each format, for the record (docs/distribution.md). */
    public int[] sizes()
    {
        foryBuffer.writerIndex(0);
        fory.serialize(foryBuffer, value);
        kryoOut.reset();
        kryo.writeClassAndObject(kryoOut, value);
        return new int[] {foryBuffer.writerIndex(), kryoOut.position()};
    }

    /**
     * Prints the encoded size of each message in both formats.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        for (final String m : List.of("order", "call", "batch", "blob"))
        {
            final WireFormatBench b = new WireFormatBench();
            b.message = m;
            b.setup();
            final int[] s = b.sizes();
            System.out.printf("%-6s fory %5d B  kryo %5d B%n", m, s[0], s[1]);
        }
    }

    // Pids travel as (node name, creation, index, serial); the name comes from the alias table.
    private static final class ForyPid extends org.apache.fory.serializer.Serializer<Pid>
    {
        ForyPid(final Fory f)
        {
            super(f, Pid.class);
        }

        @Override
        public void write(final MemoryBuffer buf, final Pid p)
        {
            fory.writeJavaString(buf, NODE_NAMES[p.node()]);
            buf.writeInt32(7);
            buf.writeVarInt32(p.index());
            buf.writeVarInt32(p.serial());
        }

        @Override
        public Pid read(final MemoryBuffer buf)
        {
            final String name = fory.readJavaString(buf);
            buf.readInt32();
            return new Pid(name.equals("risk") ? 1 : 0, buf.readVarInt32(), buf.readVarInt32());
        }
    }

    private static final class ForyRef extends org.apache.fory.serializer.Serializer<Ref>
    {
        ForyRef(final Fory f)
        {
            super(f, Ref.class);
        }

        @Override
        public void write(final MemoryBuffer buf, final Ref r)
        {
            fory.writeJavaString(buf, NODE_NAMES[r.node()]);
            buf.writeInt32(7);
            buf.writeVarInt64(r.id());
        }

        @Override
        public Ref read(final MemoryBuffer buf)
        {
            final String name = fory.readJavaString(buf);
            buf.readInt32();
            return new Ref(name.equals("risk") ? 1 : 0, buf.readVarInt64());
        }
    }

    private static final class KryoPid extends com.esotericsoftware.kryo.Serializer<Pid>
    {
        @Override
        public void write(final Kryo k, final Output out, final Pid p)
        {
            out.writeString(NODE_NAMES[p.node()]);
            out.writeInt(7);
            out.writeVarInt(p.index(), true);
            out.writeVarInt(p.serial(), true);
        }

        @Override
        public Pid read(final Kryo k, final Input in, final Class<? extends Pid> type)
        {
            final String name = in.readString();
            in.readInt();
            return new Pid(name.equals("risk") ? 1 : 0, in.readVarInt(true), in.readVarInt(true));
        }
    }

    private static final class KryoRef extends com.esotericsoftware.kryo.Serializer<Ref>
    {
        @Override
        public void write(final Kryo k, final Output out, final Ref r)
        {
            out.writeString(NODE_NAMES[r.node()]);
            out.writeInt(7);
            out.writeVarLong(r.id(), true);
        }

        @Override
        public Ref read(final Kryo k, final Input in, final Class<? extends Ref> type)
        {
            final String name = in.readString();
            in.readInt();
            return new Ref(name.equals("risk") ? 1 : 0, in.readVarLong(true));
        }
    }
}
