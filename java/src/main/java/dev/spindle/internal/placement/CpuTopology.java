package dev.spindle.internal.placement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The machine's CPU layout from sysfs: package (socket), core and SMT thread rank per CPU. On
 * machines without sysfs topology every CPU is its own core.
 *
 * @param cpus one entry per CPU given to {@link #of(int[])}.
 */
public record CpuTopology(List<Cpu> cpus)
{
    /**
     * One logical CPU.
     *
     * @param id         OS CPU id.
     * @param packageId  socket.
     * @param coreId     physical core within the socket.
     * @param threadRank 0 for the first hardware thread of its core, 1 for its SMT sibling, ...
     */
    public record Cpu(int id, int packageId, int coreId, int threadRank)
    {
    }

    /**
     * @param ids CPU ids to describe (usually the allowed ones).
     * @return their layout.
     */
    public static CpuTopology of(final int[] ids)
    {
        final List<Cpu> out = new ArrayList<>();
        for (final int id : ids)
        {
            final Path dir = Path.of("/sys/devices/system/cpu/cpu" + id + "/topology");
            final int pkg = readInt(dir.resolve("physical_package_id"), 0);
            final int core = readInt(dir.resolve("core_id"), id);
            final int rank = siblingRank(dir.resolve("thread_siblings_list"), id);
            out.add(new Cpu(id, pkg, core, rank));
        }
        return new CpuTopology(List.copyOf(out));
    }

    /** @return CPU ids ordered one-per-core first (thread rank, then package, then core). */
    public int[] spreadOrder()
    {
        return cpus.stream().sorted(Comparator.comparingInt(Cpu::threadRank).thenComparingInt(Cpu::packageId)
            .thenComparingInt(Cpu::coreId).thenComparingInt(Cpu::id)).mapToInt(Cpu::id).toArray();
    }

    /** @return CPU ids ordered core by core, siblings adjacent. */
    public int[] packedOrder()
    {
        return cpus.stream().sorted(Comparator.comparingInt(Cpu::packageId).thenComparingInt(Cpu::coreId)
            .thenComparingInt(Cpu::threadRank).thenComparingInt(Cpu::id)).mapToInt(Cpu::id).toArray();
    }

    private static int readInt(final Path p, final int fallback)
    {
        try
        {
            return Integer.parseInt(Files.readString(p).trim());
        }
        catch (final IOException | NumberFormatException ex)
        {
            return fallback;
        }
    }

    private static int siblingRank(final Path p, final int id)
    {
        try
        {
            final List<Integer> siblings = CpuLists.parse(Files.readString(p).trim());
            final int rank = siblings.indexOf(id);
            return Math.max(rank, 0);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return 0;
        }
    }
}
