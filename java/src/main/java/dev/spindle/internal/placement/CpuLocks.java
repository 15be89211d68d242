package dev.spindle.internal.placement;

import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import net.openhft.affinity.LockCheck;
import net.openhft.affinity.impl.NullAffinity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds which CPU, across the threads of this JVM and the processes of this host, through
 * OpenHFT's {@link AffinityLock} inventory, so that Spindle's schedulers and any other OpenHFT user
 * (Chronicle, a second Spindle JVM) never pin to the same CPU unknowingly.
 *
 * <h2>The protocol (OpenHFT's)</h2>
 * A CPU is held through a lock file {@code <java.io.tmpdir>/cpu-<id>.lock}: the holder keeps an
 * exclusive {@code fcntl} lock on it and writes its pid into it; inside one JVM the inventory also
 * records the holding thread. The lock is taken by the thread that is pinned, on that thread
 * ({@link #acquire} pins it), and released by that same thread ({@link Lease#release()}), so a
 * scheduler's CPU stays held exactly as long as its thread runs, including a scheduler still stuck
 * in a process after its node closed. A process that dies loses its {@code fcntl} locks with it;
 * the next reader finds the file unlocked and deletes it. Processes share the inventory only when
 * they share {@code java.io.tmpdir} (containers with their own {@code /tmp} do not).
 *
 * <p>The inventory can be unusable: not Linux, OpenHFT without its native implementation (JNA
 * missing or native access denied), OpenHFT failing to start (e.g. an {@code affinity.reserved} it
 * cannot parse), or a CPU id beyond what it tracks. {@link #unavailable(int)} says why; nothing is
 * then known to be held.
 */
public final class CpuLocks
{
    /** OpenHFT's lock checker keeps 256 slots: CPUs from 256 on cannot be locked. */
    private static final int TRACKED_CPUS = 256;
    /** Spindle's threads that hold a CPU in this JVM, for messages that name the holder. */
    private static final Map<Integer, Thread> HOLDERS = new ConcurrentHashMap<>();
    private static volatile String unavailable; // why the inventory cannot be used; "" = usable

    private CpuLocks()
    {
    }

    /** @return the folder of the lock files: this JVM's {@code java.io.tmpdir}. */
    public static Path folder()
    {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * @param cpu a CPU id.
     * @return null when {@code cpu} can be locked, else why not.
     */
    public static String unavailable(final int cpu)
    {
        final String why = unavailable();
        if (why != null)
        {
            return why;
        }
        if (cpu >= Math.min(AffinityLock.PROCESSORS, TRACKED_CPUS))
        {
            return "OpenHFT's CPU lock inventory tracks CPUs 0-" + (Math.min(AffinityLock.PROCESSORS, TRACKED_CPUS) - 1) +
                " only (from /proc/cpuinfo), not CPU " + cpu;
        }
        return null;
    }

    /** @return null when the inventory can be used, else why not. */
    public static String unavailable()
    {
        String why = unavailable;
        if (why == null)
        {
            why = probe();
            unavailable = why;
        }
        return why.isEmpty() ? null : why;
    }

    private static String probe()
    {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"))
        {
            return "OpenHFT's CPU lock files work on Linux only";
        }
        try
        {
            if (Affinity.getAffinityImpl() instanceof NullAffinity)
            {
                return "OpenHFT affinity has no native implementation (JNA missing, or native access denied)";
            }
            // Starts the inventory now, on a thread that is not pinned: it records the JVM's mask then.
            return AffinityLock.PROCESSORS > 0 ? "" : "OpenHFT sees no CPUs";
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return "OpenHFT's CPU lock inventory failed to start: " + ex + (ex.getCause() == null ? "" : ", caused by " + ex.getCause());
        }
    }

    /**
     * @param cpu a CPU id.
     * @return whether a thread of this JVM or another process holds it now (false when that cannot
     * be known: see {@link #unavailable(int)}).
     */
    public static boolean isHeld(final int cpu)
    {
        if (unavailable(cpu) != null)
        {
            return false;
        }
        final Thread t = HOLDERS.get(cpu);
        return (t != null && t.isAlive()) || !LockCheck.isCpuFree(cpu);
    }

    /**
     * @param cpu a CPU id.
     * @return who holds it, e.g. {@code thread spindle-0-scheduler-1 of this JVM (pid 4242)} or
     * {@code process 4243 (java ... Main), lock file /tmp/cpu-1.lock}; null when it is free.
     */
    public static String holder(final int cpu)
    {
        if (!isHeld(cpu))
        {
            return null;
        }
        final long self = ProcessHandle.current().pid();
        final Thread t = HOLDERS.get(cpu);
        if (t != null && t.isAlive())
        {
            return "thread " + t.getName() + " of this JVM (pid " + self + ")";
        }
        int pid;
        try
        {
            pid = LockCheck.getProcessForCpu(cpu);
        }
        catch (final IOException | RuntimeException ex)
        {
            pid = Integer.MIN_VALUE;
        }
        final Path file = folder().resolve("cpu-" + cpu + ".lock");
        if (pid == self)
        {
            return inventoryLine(cpu) + " of this JVM (pid " + self + ")";
        }
        if (pid > 0)
        {
            return "process " + pid + describeProcess(pid) + ", lock file " + file;
        }
        return "an unknown holder (lock file " + file + ")";
    }

    /** @return OpenHFT's own record of the holder in this JVM, e.g. {@code Thread[#31,worker,5,main]}. */
    private static String inventoryLine(final int cpu)
    {
        for (final String line : AffinityLock.dumpLocks().split("\n"))
        {
            if (line.startsWith(cpu + ": "))
            {
                return "an OpenHFT AffinityLock user " + line.substring(line.indexOf(' ') + 1).replace(" alive=true", "");
            }
        }
        return "an OpenHFT AffinityLock user";
    }

    /** @return e.g. {@code  (java -cp ... dev.spindle.bench.Main bench)}, or empty when unknown. */
    static String describeProcess(final long pid)
    {
        try
        {
            final byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            final String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            if (cmd.isEmpty())
            {
                return "";
            }
            // Java command lines carry long class paths: keep the start and the end (main class, arguments).
            return " (" + (cmd.length() <= 160 ? cmd : cmd.substring(0, 50) + " ... " + cmd.substring(cmd.length() - 100)) + ")";
        }
        catch (final IOException | RuntimeException ex)
        {
            return ProcessHandle.of(pid).isPresent() ? "" : " (not running: a stale lock)";
        }
    }

    /**
     * Takes {@code cpu}'s lock for the calling thread and pins the thread to it.
     *
     * @param cpu a CPU with {@link #unavailable(int)} null.
     * @return the lease, to be released by this same thread; null when another thread or process
     * holds the CPU ({@link #holder(int)} says who).
     * @throws RuntimeException when the lock was taken but pinning failed (the lock then stays with
     * this thread; OpenHFT frees it once the thread has ended and any thread releases a lock).
     */
    public static Lease acquire(final int cpu)
    {
        final AffinityLock lock = AffinityLock.acquireLock(new int[] {cpu});
        if (lock.cpuId() != cpu || !lock.isBound())
        {
            return null;
        }
        HOLDERS.put(cpu, Thread.currentThread());
        return new Lease(cpu, lock, Thread.currentThread());
    }

    /** A CPU held by one thread; {@link #release()} from that thread. */
    public static final class Lease
    {
        private final int cpu;
        private final AffinityLock lock;
        private final Thread owner;
        private boolean released;

        private Lease(final int cpu, final AffinityLock lock, final Thread owner)
        {
            this.cpu = cpu;
            this.lock = lock;
            this.owner = owner;
        }

        /** @return the CPU held. */
        public int cpu()
        {
            return cpu;
        }

        /**
         * Releases the CPU (and deletes its lock file). Idempotent. The thread's affinity is left
         * as it is: the caller is about to end.
         *
         * @throws IllegalStateException when called from another thread than the holder: OpenHFT
         *                               releases the calling thread's locks.
         */
        public void release()
        {
            if (Thread.currentThread() != owner)
            {
                throw new IllegalStateException("CPU " + cpu + " is held by " + owner.getName() +
                    " and only that thread can release it, not " + Thread.currentThread().getName());
            }
            if (released)
            {
                return;
            }
            released = true;
            HOLDERS.remove(cpu, owner);
            lock.resetAffinity(false);
            lock.release();
        }
    }
}
