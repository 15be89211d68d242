package dev.spindle;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Node} runs: scheduler count and CPU placement, idle behaviour, reduction budget and
 * run-queue implementation. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * Node node = Node.start(NodeConfig.builder().cpus(2, 3).idleStrategy(IdleMode.SPIN).build());
 * }</pre>
 */
public final class NodeConfig
{
    /** Default reduction budget per schedule-in, as on the BEAM. */
    public static final int DEFAULT_REDUCTIONS = 4000;

    private final int schedulers;
    private final int[] cpus;
    private final boolean pinned;
    private final IdleMode idleMode;
    private final int reductions;
    private final RunQueues runQueues;
    private final BindPolicy bind;
    private final boolean compaction;
    private final long longScheduleNanos;
    private final long closeTimeoutNanos;
    private final boolean virtualThreads;
    private final long timeSliceNanos;
    private final CpuConflict cpuConflict;
    private final MessageCheck messageCheck;
    private final List<Class<?>> messageCheckTrusted;

    private final Distribution distribution;

    private NodeConfig(final Builder b)
    {
        this.distribution = b.name == null ? null : new Distribution(b);
        this.messageCheck = b.messageCheck;
        this.messageCheckTrusted = b.messageCheckTrusted;
        this.timeSliceNanos = b.timeSliceNanos;
        this.bind = b.cpus != null ? BindPolicy.EXPLICIT : !b.pinned ? BindPolicy.UNBOUND : b.bind;
        this.compaction = b.compaction;
        this.longScheduleNanos = b.longScheduleNanos;
        this.closeTimeoutNanos = b.closeTimeoutNanos;
        this.virtualThreads = b.virtualThreads;
        this.schedulers = b.schedulers;
        this.cpus = b.cpus;
        this.pinned = b.pinned;
        this.idleMode = b.idleMode;
        this.reductions = b.reductions;
        this.runQueues = b.runQueues;
        this.cpuConflict = b.cpuConflict;
    }

    /** @return a builder with the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the defaults: one pinned scheduler per CPU this JVM may use (its affinity mask, cgroup
     * CPU quota and {@code -XX:ActiveProcessorCount}), on CPUs no other pinned thread holds, backoff
     * idling, native queues.
     */
    public static NodeConfig defaults()
    {
        return builder().build();
    }

    /**
     * @return requested scheduler count, or 0 for "one per CPU this JVM may use (or per listed
     * CPU)": the fewest of its allowed CPUs, its cgroup CPU quota (rounded up) and
     * {@link Runtime#availableProcessors()}.
     */
    public int schedulers()
    {
        return schedulers;
    }

    /** @return a copy of the explicit CPU list, or null when none was given. */
    public int[] cpus()
    {
        return cpus == null ? null : cpus.clone();
    }

    /** @return whether scheduler threads are pinned to CPUs. */
    public boolean pinned()
    {
        return pinned;
    }

    /** @return how schedulers bind to CPUs. */
    public BindPolicy bindPolicy()
    {
        return bind;
    }

    /** @return whether load compaction is on. */
    public boolean compaction()
    {
        return compaction;
    }

    /** @return the longest a process runs before giving way, reductions permitting. */
    public java.time.Duration timeSlice()
    {
        return java.time.Duration.ofNanos(timeSliceNanos);
    }

    /** @return schedule length above which a {@code dev.spindle.LongSchedule} JFR event is recorded. */
    public java.time.Duration longScheduleThreshold()
    {
        return java.time.Duration.ofNanos(longScheduleNanos);
    }

    /** @return whether every process runs as a virtual thread (see {@link Builder#virtualThreads(boolean)}). */
    public boolean virtualThreads()
    {
        return virtualThreads;
    }

    /**
     * @return how long {@link Node#close()} waits for schedulers busy in a process that never gives
     * way (default 5 s); see {@link Builder#closeTimeout(java.time.Duration)}.
     */
    public java.time.Duration closeTimeout()
    {
        return java.time.Duration.ofNanos(closeTimeoutNanos);
    }

    /** @return what a pinned scheduler does when another pinned thread holds its CPU. */
    public CpuConflict cpuConflict()
    {
        return cpuConflict;
    }

    /** @return what a send does with a message that is not deeply immutable (default OFF). */
    public MessageCheck messageCheck()
    {
        return messageCheck;
    }

    /**
     * @return the classes the message check takes as immutable without looking inside (and their
     * subclasses), in the order given; empty by default.
     */
    public List<Class<?>> messageCheckTrusted()
    {
        return messageCheckTrusted;
    }

    /** @return what idle schedulers do. */
    public IdleMode idleStrategy()
    {
        return idleMode;
    }

    /** @return reductions a process may spend before it gives way. */
    public int reductions()
    {
        return reductions;
    }

    /** @return which run-queue implementation is used. */
    public RunQueues runQueues()
    {
        return runQueues;
    }

    /** @return the node's name, or null for a node that does not talk to other nodes. */
    public String name()
    {
        return distribution == null ? null : distribution.name;
    }

    /** @return the distribution settings, or null for a node without a name. */
    public Distribution distribution()
    {
        return distribution;
    }

    @Override
    public String toString()
    {
        return "NodeConfig[schedulers=" + (schedulers == 0 ? "auto" : schedulers) +
            ", cpus=" + (cpus == null ? "auto" : Arrays.toString(cpus)) + ", bind=" + bind + ", cpuConflict=" + cpuConflict +
            ", compaction=" + compaction + ", idle=" + idleMode + ", reductions=" + reductions + ", runQueues=" + runQueues +
            (virtualThreads ? ", virtualThreads" : "") +
            (messageCheck == MessageCheck.OFF ? "" : ", messageCheck=" + messageCheck) +
            (distribution == null ? "" : ", name=" + distribution.name + ", listen=" + distribution.listen) + "]";
    }

    /** What a sender does when the connection to another node cannot take its message now (Aeron back-pressure). */
    public enum WhenFull
    {
        /**
         * Wait until it can (the default): a process gives way to the others meanwhile, a plain
         * thread parks; the wait ends when the message is taken or the connection goes down.
         */
        BLOCK,
        /** Throw {@link RemoteSendException} at once; nothing of the message was sent. */
        FAIL
    }

    /**
     * How a named node talks to other nodes (docs/distribution.md): set through
     * {@link NodeConfig.Builder#name(String)} and the builder methods after it.
     */
    public static final class Distribution
    {
        private final String name;
        private final String listen;
        private final byte[] cookie;
        private final java.util.Map<String, String> peers;
        private final long heartbeatIntervalNanos;
        private final long heartbeatTimeoutNanos;
        private final long connectTimeoutNanos;
        private final WhenFull whenFull;
        private final java.util.List<Class<?>> messageClasses;
        private final String aeronDirectory;
        private final IdleMode idle;
        private final int termLength;

        private Distribution(final Builder b)
        {
            this.name = b.name;
            this.listen = b.listen;
            this.cookie = b.cookie.clone();
            this.peers = java.util.Map.copyOf(b.peers);
            this.heartbeatIntervalNanos = b.heartbeatIntervalNanos;
            this.heartbeatTimeoutNanos = b.heartbeatTimeoutNanos;
            this.connectTimeoutNanos = b.connectTimeoutNanos;
            this.whenFull = b.whenFull;
            this.messageClasses = java.util.List.copyOf(b.messageClasses);
            this.aeronDirectory = b.aeronDirectory;
            this.idle = b.distributionIdle;
            this.termLength = b.termLength;
        }

        /** @return the node's name. */
        public String name()
        {
            return name;
        }

        /** @return the address it listens on, {@code host:port} (port 0: any free port). */
        public String listen()
        {
            return listen;
        }

        /** @return a copy of the shared secret. */
        public byte[] cookie()
        {
            return cookie.clone();
        }

        /** @return known addresses of other nodes, by name (connected on first use). */
        public java.util.Map<String, String> peers()
        {
            return peers;
        }

        /** @return how often a heartbeat goes to each connected node. */
        public java.time.Duration heartbeatInterval()
        {
            return java.time.Duration.ofNanos(heartbeatIntervalNanos);
        }

        /** @return how long a connection may stay silent before it is declared down. */
        public java.time.Duration heartbeatTimeout()
        {
            return java.time.Duration.ofNanos(heartbeatTimeoutNanos);
        }

        /** @return how long a connection attempt (with its handshake) may take. */
        public java.time.Duration connectTimeout()
        {
            return java.time.Duration.ofNanos(connectTimeoutNanos);
        }

        /** @return what a sender does when a connection cannot take a message now. */
        public WhenFull whenFull()
        {
            return whenFull;
        }

        /** @return the application's message classes, registered with the serializer. */
        public java.util.List<Class<?>> messageClasses()
        {
            return messageClasses;
        }

        /** @return the directory of an external Aeron media driver, or null for the embedded one. */
        public String aeronDirectory()
        {
            return aeronDirectory;
        }

        /** @return what the distribution thread and the embedded driver's thread do when idle. */
        public IdleMode idle()
        {
            return idle;
        }

        /** @return Aeron term buffer length of each connection (a message may take up to an eighth of it). */
        public int termLength()
        {
            return termLength;
        }
    }

    /**
     * Builder for {@link NodeConfig}. Argument errors are reported at once; errors that depend on
     * the machine (a CPU this JVM may not use, more pinned schedulers than CPUs) are reported by
     * {@link Node#start(NodeConfig)}.
     */
    public static final class Builder
    {
        private int schedulers;
        private int[] cpus;
        private boolean pinned = true;
        private IdleMode idleMode = IdleMode.BACKOFF;
        private int reductions = DEFAULT_REDUCTIONS;
        private RunQueues runQueues = RunQueues.NATIVE;
        private BindPolicy bind = BindPolicy.SPREAD;
        private boolean compaction;
        private long longScheduleNanos = 10_000_000L;
        private long closeTimeoutNanos = 5_000_000_000L;
        private boolean virtualThreads;
        private long timeSliceNanos = 500_000L;
        private CpuConflict cpuConflict = CpuConflict.FREE_CPUS;
        private MessageCheck messageCheck = MessageCheck.OFF;
        private List<Class<?>> messageCheckTrusted = List.of();
        private String name;
        private String listen = "127.0.0.1:0";
        private byte[] cookie;
        private final java.util.Map<String, String> peers = new java.util.LinkedHashMap<>();
        private long heartbeatIntervalNanos = 1_000_000_000L;
        private long heartbeatTimeoutNanos = 10_000_000_000L;
        private long connectTimeoutNanos = 5_000_000_000L;
        private WhenFull whenFull = WhenFull.BLOCK;
        private final java.util.List<Class<?>> messageClasses = new java.util.ArrayList<>();
        private String aeronDirectory;
        private IdleMode distributionIdle = IdleMode.BACKOFF;
        private int termLength = 16 << 20;

        /**
         * Names the node, which makes it a distributed node (docs/distribution.md): it listens for
         * other nodes, its pids work on them, and it needs a {@link #cookie}. Needs Aeron and Apache
         * Fory on the class path (optional dependencies of spindle-runtime).
         *
         * @param name letters, digits, '_', '-', '.' and '@'; 1..255 characters.
         * @return this builder.
         * @throws IllegalStateException when Aeron or Fory is missing from the class path (the message names the artifacts).
         */
        public Builder name(final String name)
        {
            if (name == null || name.isEmpty() || name.length() > 255 || !name.matches("[A-Za-z0-9_.@-]+"))
            {
                throw new IllegalArgumentException("a node name is 1..255 of letters, digits, '_', '-', '.', '@'; was " +
                    (name == null ? "null" : "'" + name + "'"));
            }
            final java.util.List<String> missing = new java.util.ArrayList<>();
            for (final String[] c : new String[][] {{"io.aeron.Aeron", "io.aeron:aeron-client"},
                {"io.aeron.driver.MediaDriver", "io.aeron:aeron-driver"}, {"org.apache.fory.Fory", "org.apache.fory:fory-core"}})
            {
                try
                {
                    Class.forName(c[0], false, NodeConfig.class.getClassLoader());
                }
                catch (final ClassNotFoundException | LinkageError e)
                {
                    missing.add(c[1]);
                }
            }
            if (!missing.isEmpty())
            {
                throw new IllegalStateException("a named node needs distribution's optional dependencies on the class path; missing: " +
                    String.join(", ", missing) + " (add io.aeron:aeron-client and io.aeron:aeron-driver 1.51.0, " +
                    "org.apache.fory:fory-core 0.14.0; docs/distribution.md)");
            }
            this.name = name;
            return this;
        }

        /**
         * Where the node listens for other nodes (default {@code 127.0.0.1:0}: loopback, any free
         * port; {@link Node#address()} tells the port chosen). Aeron UDP: not encrypted.
         *
         * @param address {@code host:port}.
         * @return this builder.
         */
        public Builder listen(final String address)
        {
            parseAddress(address);
            this.listen = address;
            return this;
        }

        /**
         * The shared secret: a node accepts only peers that prove they know it (challenge and
         * response with HMAC-SHA256; it never crosses the wire).
         *
         * @param secret not empty.
         * @return this builder.
         */
        public Builder cookie(final String secret)
        {
            if (secret == null || secret.isEmpty())
            {
                throw new IllegalArgumentException("a cookie must be a non-empty secret");
            }
            this.cookie = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return this;
        }

        /**
         * The address of another node, connected on first use (a send, link or monitor to one of
         * its pids or names).
         *
         * @param name    its name.
         * @param address its {@code host:port}.
         * @return this builder.
         */
        public Builder peer(final String name, final String address)
        {
            if (name == null || name.isEmpty())
            {
                throw new IllegalArgumentException("a peer needs a name");
            }
            parseAddress(address);
            peers.put(name, address);
            return this;
        }

        /**
         * Heartbeats: one to each connected node every {@code interval}; a node not heard from
         * for {@code timeout} is down: its links and monitors fire with {@link Reason#NOCONNECTION}
         * (defaults 1 s and 10 s).
         *
         * @param interval at least 1 ms.
         * @param timeout  at least twice the interval.
         * @return this builder.
         */
        public Builder heartbeat(final java.time.Duration interval, final java.time.Duration timeout)
        {
            if (interval == null || timeout == null || interval.toMillis() < 1 || timeout.compareTo(interval.multipliedBy(2)) < 0)
            {
                throw new IllegalArgumentException("heartbeat: interval >= 1 ms and timeout >= 2 x interval; got " + interval + ", " + timeout);
            }
            this.heartbeatIntervalNanos = interval.toNanos();
            this.heartbeatTimeoutNanos = timeout.toNanos();
            return this;
        }

        /**
         * @param timeout how long a connection attempt with its handshake may take (default 5 s).
         * @return this builder.
         */
        public Builder connectTimeout(final java.time.Duration timeout)
        {
            if (timeout == null || timeout.toMillis() < 1)
            {
                throw new IllegalArgumentException("connectTimeout must be at least 1 ms, was " + timeout);
            }
            this.connectTimeoutNanos = timeout.toNanos();
            return this;
        }

        /**
         * @param policy what a sender does when a connection cannot take its message now (default {@link WhenFull#BLOCK}).
         * @return this builder.
         */
        public Builder sendWhenFull(final WhenFull policy)
        {
            if (policy == null)
            {
                throw new NullPointerException("sendWhenFull");
            }
            this.whenFull = policy;
            return this;
        }

        /**
         * Registers the application's message classes with the serializer (Apache Fory, which
         * refuses unregistered classes, so a peer cannot make this node build arbitrary objects).
         * Classes are known by name, so nodes may list them in any order. Pids, refs, reasons,
         * Down, Exit, Call, NodeDown, RemoteName, strings, boxed numbers, arrays and the JDK's
         * collections need no registration.
         *
         * @param classes record or plain classes (their fields' classes need registering too).
         * @return this builder.
         */
        public Builder messageClasses(final Class<?>... classes)
        {
            java.util.Objects.requireNonNull(classes, "classes");
            for (int i = 0; i < classes.length; i++)
            {
                java.util.Objects.requireNonNull(classes[i], "classes[" + i + "]"); // all checked before any is added
            }
            messageClasses.addAll(List.of(classes));
            return this;
        }

        /**
         * Uses an external Aeron media driver (started separately, e.g. {@code io.aeron.driver.MediaDriver})
         * instead of the embedded one.
         *
         * @param directory the driver's Aeron directory.
         * @return this builder.
         */
        public Builder aeronDirectory(final String directory)
        {
            if (directory == null || directory.isEmpty())
            {
                throw new IllegalArgumentException("aeronDirectory must name a directory");
            }
            this.aeronDirectory = directory;
            return this;
        }

        /**
         * What the distribution thread and the embedded driver's thread do when idle (default
         * {@link IdleMode#BACKOFF}: spin, yield, then park up to 1 ms, so an idle node costs next
         * to no CPU; {@link IdleMode#SPIN} burns a core for the lowest latency).
         *
         * @param mode the idle mode.
         * @return this builder.
         */
        public Builder distributionIdle(final IdleMode mode)
        {
            if (mode == null)
            {
                throw new NullPointerException("distributionIdle");
            }
            this.distributionIdle = mode;
            return this;
        }

        /**
         * Aeron's term buffer length per connection and direction (default 16 MiB); the largest
         * message is an eighth of it (2 MiB by default), larger ones are refused with
         * {@link RemoteSendException}.
         *
         * @param bytes a power of two from 64 KiB to 1 GiB.
         * @return this builder.
         */
        public Builder termLength(final int bytes)
        {
            if (bytes < (64 << 10) || bytes > (1 << 30) || Integer.bitCount(bytes) != 1)
            {
                throw new IllegalArgumentException("termLength must be a power of two from 64 KiB to 1 GiB, was " + bytes);
            }
            this.termLength = bytes;
            return this;
        }

        private static void parseAddress(final String address)
        {
            final int colon = address == null ? -1 : address.lastIndexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException("an address is host:port, was " + address);
            }
            try
            {
                final int port = Integer.parseInt(address.substring(colon + 1));
                if (port < 0 || port > 65535)
                {
                    throw new NumberFormatException();
                }
            }
            catch (final NumberFormatException e)
            {
                throw new IllegalArgumentException("an address is host:port with a port in 0..65535, was " + address);
            }
        }

        /**
         * The longest a process runs before giving way (default 500 us), checked every 32
         * reductions; the reduction budget may end a slice sooner. Shorter slices lower the latency
         * other processes see next to CPU-heavy ones, at the cost of more switches.
         *
         * @param slice between 10 us and 1 s.
         * @return this builder.
         */
        public Builder timeSlice(final java.time.Duration slice)
        {
            if (slice == null || slice.toNanos() < 10_000L || slice.toNanos() > 1_000_000_000L)
            {
                throw new IllegalArgumentException("timeSlice must be between 10 us and 1 s, was " + slice);
            }
            this.timeSliceNanos = slice.toNanos();
            return this;
        }

        private Builder()
        {
        }

        /**
         * Checks every message at send for deep immutability (default {@link MessageCheck#OFF}).
         * Messages are shared references, never copies: a mutable object changed after it was
         * sent shows up changed at the receiver. {@link MessageCheck#REJECT} makes such a send
         * throw {@link IllegalArgumentException} naming the path to the mutable part, e.g.
         * {@code message not deeply immutable: Order.lines -> java.util.ArrayList (mutable
         * collection)}; {@link MessageCheck#WARN} logs that instead. The verdict is cached per
         * class, so a message whose class is immutable through and through (a record of strings,
         * numbers, enums, pids and such records) costs one cache lookup after its first send;
         * messages holding {@code Object}- or interface-typed values (collections, {@link Call}
         * requests) have those values checked at every send. Exit reasons and monitor messages
         * are not checked. See docs/messages.md.
         *
         * @param check   the mode.
         * @param trusted classes you vouch for: their instances, and those of their subclasses,
         *                count as immutable without being looked into (a class with a lazily
         *                computed cache field, a third-party value class, a handle meant to be
         *                shared such as a connection pool).
         * @return this builder.
         */
        public Builder messageCheck(final MessageCheck check, final Class<?>... trusted)
        {
            Objects.requireNonNull(check, "messageCheck");
            Objects.requireNonNull(trusted, "trusted");
            final Set<Class<?>> classes = new LinkedHashSet<>();
            for (final Class<?> c : trusted)
            {
                if (c == null)
                {
                    throw new NullPointerException("messageCheck: a trusted class is null");
                }
                if (c.isPrimitive() || c.isArray())
                {
                    throw new IllegalArgumentException("messageCheck: " + c.getTypeName() +
                        " cannot be trusted: primitives are always immutable and arrays never are");
                }
                classes.add(c);
            }
            this.messageCheck = check;
            this.messageCheckTrusted = List.copyOf(classes);
            return this;
        }

        /**
         * How schedulers bind to CPUs (default {@link BindPolicy#SPREAD}). {@link BindPolicy#UNBOUND}
         * is {@code pinned(false)}; {@link BindPolicy#EXPLICIT} is set by {@link #cpus(int...)}.
         *
         * @param policy the policy.
         * @return this builder.
         */
        public Builder bind(final BindPolicy policy)
        {
            if (policy == null)
            {
                throw new NullPointerException("bind");
            }
            if (policy == BindPolicy.EXPLICIT && cpus == null)
            {
                throw new IllegalArgumentException("BindPolicy.EXPLICIT is chosen by cpus(...): give the CPU list");
            }
            this.bind = policy;
            this.pinned = policy != BindPolicy.UNBOUND;
            return this;
        }

        /**
         * Load compaction, like the BEAM's {@code +scl}: keep work on as few schedulers as the load
         * needs so the others sleep (default off: it makes latency and utilization spikier).
         *
         * @param on whether to compact.
         * @return this builder.
         */
        public Builder compaction(final boolean on)
        {
            this.compaction = on;
            return this;
        }

        /**
         * @param threshold a process that runs longer than this without giving way is reported
         *                  as a {@code dev.spindle.LongSchedule} JFR event (default 10 ms).
         * @return this builder.
         */
        public Builder longScheduleThreshold(final java.time.Duration threshold)
        {
            if (threshold == null || threshold.isNegative() || threshold.isZero())
            {
                throw new IllegalArgumentException("longScheduleThreshold must be positive, was " + threshold);
            }
            this.longScheduleNanos = threshold.toNanos();
            return this;
        }

        /**
         * Runs every process of the node as a virtual thread on its schedulers, as
         * {@link SpawnOptions#virtualThread(boolean)} does for one process: for services whose
         * processes call ordinary Java (locks, blocking clients, thread-locals). Default false.
         *
         * @param on whether to.
         * @return this builder.
         */
        public Builder virtualThreads(final boolean on)
        {
            this.virtualThreads = on;
            return this;
        }

        /**
         * How long {@link Node#close()} waits for a scheduler whose process never gives way (a loop
         * that calls no runtime method in uninstrumented code, a long native call). After it, close
         * returns anyway and reports those processes; their scheduler threads end when they finish.
         *
         * @param timeout between 0 and 1 hour (default 5 s).
         * @return this builder.
         */
        public Builder closeTimeout(final java.time.Duration timeout)
        {
            if (timeout == null || timeout.isNegative() || timeout.compareTo(java.time.Duration.ofHours(1)) > 0)
            {
                throw new IllegalArgumentException("closeTimeout must be between 0 and 1 hour, was " + timeout);
            }
            this.closeTimeoutNanos = timeout.toNanos();
            return this;
        }

        /**
         * @param count number of schedulers, 1..4096.
         * @return this builder.
         */
        public Builder schedulers(final int count)
        {
            if (count < 1 || count > 4096)
            {
                throw new IllegalArgumentException("schedulers must be in 1..4096, was " + count);
            }
            this.schedulers = count;
            return this;
        }

        /**
         * Pins scheduler i to {@code cpus[i]}. Implies {@code pinned(true)}; the scheduler count
         * defaults to the list's length.
         *
         * @param cpus distinct CPU ids, at least one.
         * @return this builder.
         */
        public Builder cpus(final int... cpus)
        {
            if (cpus == null || cpus.length == 0)
            {
                throw new IllegalArgumentException("cpus: give at least one CPU id");
            }
            final int[] copy = cpus.clone();
            for (int i = 0; i < copy.length; i++)
            {
                if (copy[i] < 0)
                {
                    throw new IllegalArgumentException("cpus: CPU ids are >= 0, got " + copy[i]);
                }
                for (int j = 0; j < i; j++)
                {
                    if (copy[j] == copy[i])
                    {
                        throw new IllegalArgumentException("cpus: CPU " + copy[i] + " is listed twice");
                    }
                }
            }
            this.cpus = copy;
            this.pinned = true;
            return this;
        }

        /**
         * @param pinned whether each scheduler thread is pinned to its own CPU (default true).
         * @return this builder.
         */
        public Builder pinned(final boolean pinned)
        {
            this.pinned = pinned;
            if (pinned && bind == BindPolicy.UNBOUND)
            {
                bind = BindPolicy.SPREAD;
            }
            return this;
        }

        /**
         * What a pinned scheduler does when its CPU is held by another pinned thread: a scheduler
         * of another node in this JVM, another JVM on this host, any OpenHFT {@code AffinityLock}
         * user (default {@link CpuConflict#FREE_CPUS}: take a free CPU, else run unpinned).
         *
         * @param policy the policy.
         * @return this builder.
         */
        public Builder cpuConflict(final CpuConflict policy)
        {
            if (policy == null)
            {
                throw new NullPointerException("cpuConflict");
            }
            this.cpuConflict = policy;
            return this;
        }

        /**
         * @param mode what idle schedulers do (default {@link IdleMode#BACKOFF}).
         * @return this builder.
         */
        public Builder idleStrategy(final IdleMode mode)
        {
            if (mode == null)
            {
                throw new NullPointerException("idleStrategy");
            }
            this.idleMode = mode;
            return this;
        }

        /**
         * @param budget reductions per schedule-in, at least 1 (default 4000). Send, receive,
         *               spawn and yield each cost one.
         * @return this builder.
         */
        public Builder reductions(final int budget)
        {
            if (budget < 1)
            {
                throw new IllegalArgumentException("reductions must be >= 1, was " + budget);
            }
            this.reductions = budget;
            return this;
        }

        /**
         * @param kind run-queue implementation (default {@link RunQueues#NATIVE}).
         * @return this builder.
         */
        public Builder runQueues(final RunQueues kind)
        {
            if (kind == null)
            {
                throw new NullPointerException("runQueues");
            }
            this.runQueues = kind;
            return this;
        }

        /** @return the configuration. */
        public NodeConfig build()
        {
            if (name != null && cookie == null)
            {
                throw new IllegalArgumentException("node '" + name + "' has a name but no cookie: give NodeConfig.Builder.cookie(secret)");
            }
            if (name == null && (cookie != null || !peers.isEmpty()))
            {
                throw new IllegalArgumentException("cookie(...) and peer(...) need a node name: give NodeConfig.Builder.name(...)");
            }
            if (cpus != null && !pinned)
            {
                throw new IllegalArgumentException("cpus(...) given with pinned(false): an explicit CPU list pins");
            }
            if (cpus != null && schedulers != 0 && schedulers != cpus.length)
            {
                throw new IllegalArgumentException("schedulers(" + schedulers + ") does not match the " +
                    cpus.length + " CPUs listed in cpus(...)");
            }
            return new NodeConfig(this);
        }
    }
}
