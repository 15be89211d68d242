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

    private NodeConfig(final Builder b)
    {
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

    @Override
    public String toString()
    {
        return "NodeConfig[schedulers=" + (schedulers == 0 ? "auto" : schedulers) +
            ", cpus=" + (cpus == null ? "auto" : Arrays.toString(cpus)) + ", bind=" + bind + ", cpuConflict=" + cpuConflict +
            ", compaction=" + compaction + ", idle=" + idleMode + ", reductions=" + reductions + ", runQueues=" + runQueues +
            (virtualThreads ? ", virtualThreads" : "") +
            (messageCheck == MessageCheck.OFF ? "" : ", messageCheck=" + messageCheck) + "]";
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
