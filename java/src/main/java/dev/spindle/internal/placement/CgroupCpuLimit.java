package dev.spindle.internal.placement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The CPU quota of this process's cgroup, as the kernel enforces it: cgroup v2 {@code cpu.max}
 * ({@code "<quota> <period>"} or {@code "max <period>"}), or cgroup v1 {@code cpu.cfs_quota_us} /
 * {@code cpu.cfs_period_us} when a v1 {@code cpu} controller is mounted (hybrid hosts keep the CPU
 * controller in v1). The cgroup directory is found the way the JDK finds it: the controller's mount
 * in {@code /proc/self/mountinfo} plus the process's path in {@code /proc/self/cgroup}, made
 * relative to the mount's root (inside a container the mount root is the container's own cgroup).
 * A quota anywhere between that directory and the mount point limits the process, so the smallest
 * one on the way up counts.
 *
 * @param cpus   quota divided by period, e.g. 1.5 (the process may use 1.5 CPUs' worth of time).
 * @param source where it was read, e.g. {@code cgroup v2 cpu.max "150000 100000" in /sys/fs/cgroup/app}.
 */
public record CgroupCpuLimit(double cpus, String source)
{
    /** @return schedulers this quota can keep busy: the quota rounded up, at least 1. */
    public int schedulers()
    {
        return (int)Math.max(1, Math.ceil(cpus - 1e-9));
    }

    /** @return e.g. {@code 1.5}. */
    public String cpusText()
    {
        return String.format(Locale.ROOT, "%.1f", cpus);
    }

    /**
     * @return the quota of this process's cgroup, or null when there is none (or no cgroup CPU
     * controller is visible, e.g. not Linux).
     */
    public static CgroupCpuLimit ofThisProcess()
    {
        return read(Path.of("/"));
    }

    /**
     * @param root where {@code /proc} and {@code /sys} are found: {@code /} on a real system, a
     *             folder of fake files in tests. Absolute paths read from the files are resolved
     *             under it too.
     * @return the quota, or null when there is none or the files cannot be read.
     */
    static CgroupCpuLimit read(final Path root)
    {
        final List<String> cgroups = lines(under(root, "/proc/self/cgroup"));
        final List<Mount> mounts = new ArrayList<>();
        for (final String line : lines(under(root, "/proc/self/mountinfo")))
        {
            final Mount m = Mount.parse(line);
            if (m != null)
            {
                mounts.add(m);
            }
        }
        // A v1 cpu controller wins: where it is mounted, cgroup v2 has no cpu.max for this process.
        for (final Mount m : mounts)
        {
            if (m.fsType.equals("cgroup") && m.superOptions.contains("cpu"))
            {
                final String path = cgroupPath(cgroups, "cpu");
                return path == null ? null : walk(root, m, path, false);
            }
        }
        for (final Mount m : mounts)
        {
            if (m.fsType.equals("cgroup2"))
            {
                final String path = cgroupPath(cgroups, null);
                return path == null ? null : walk(root, m, path, true);
            }
        }
        return null;
    }

    /** From the process's cgroup directory up to the mount point: the smallest quota on the way. */
    private static CgroupCpuLimit walk(final Path root, final Mount m, final String cgroupPath, final boolean v2)
    {
        final String relative;
        if (m.root.equals("/"))
        {
            relative = cgroupPath;
        }
        else if (cgroupPath.equals(m.root) || cgroupPath.startsWith(m.root + "/"))
        {
            relative = cgroupPath.substring(m.root.length());
        }
        else
        {
            relative = ""; // a namespaced view: the mount point is this process's cgroup
        }
        String dir = normalize(m.mountPoint + "/" + relative);
        if (!Files.isDirectory(under(root, dir)))
        {
            dir = m.mountPoint;
        }
        CgroupCpuLimit best = null;
        while (true)
        {
            final CgroupCpuLimit here = v2 ? v2(root, dir) : v1(root, dir);
            if (here != null && (best == null || here.cpus < best.cpus))
            {
                best = here;
            }
            if (dir.equals(m.mountPoint) || dir.length() <= m.mountPoint.length())
            {
                return best;
            }
            dir = dir.substring(0, dir.lastIndexOf('/'));
            if (dir.isEmpty())
            {
                dir = "/";
            }
        }
    }

    private static CgroupCpuLimit v2(final Path root, final String dir)
    {
        final String max = first(under(root, dir + "/cpu.max"));
        if (max == null)
        {
            return null;
        }
        final String[] parts = max.trim().split("\\s+");
        if (parts.length < 1 || parts[0].equals("max"))
        {
            return null;
        }
        try
        {
            final long quota = Long.parseLong(parts[0]);
            final long period = parts.length > 1 ? Long.parseLong(parts[1]) : 100_000L;
            return quota > 0 && period > 0 ? new CgroupCpuLimit((double)quota / period,
                "cgroup v2 cpu.max \"" + max.trim() + "\" in " + dir) : null;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private static CgroupCpuLimit v1(final Path root, final String dir)
    {
        final String quotaText = first(under(root, dir + "/cpu.cfs_quota_us"));
        final String periodText = first(under(root, dir + "/cpu.cfs_period_us"));
        if (quotaText == null || periodText == null)
        {
            return null;
        }
        try
        {
            final long quota = Long.parseLong(quotaText.trim());
            final long period = Long.parseLong(periodText.trim());
            return quota > 0 && period > 0 ? new CgroupCpuLimit((double)quota / period,
                "cgroup v1 cpu.cfs_quota_us " + quota + " / cpu.cfs_period_us " + period + " in " + dir) : null;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /**
     * @param controller a v1 controller name, or null for the v2 line ({@code 0::/path}).
     * @return the process's path in that hierarchy, or null.
     */
    private static String cgroupPath(final List<String> lines, final String controller)
    {
        for (final String line : lines)
        {
            final int a = line.indexOf(':');
            final int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0)
            {
                continue;
            }
            final String controllers = line.substring(a + 1, b);
            final boolean match = controller == null ? line.substring(0, a).equals("0") && controllers.isEmpty() :
                Arrays.asList(controllers.split(",")).contains(controller);
            if (match)
            {
                return line.substring(b + 1);
            }
        }
        return null;
    }

    private static String normalize(final String path)
    {
        String p = path.replaceAll("/+", "/");
        if (p.length() > 1 && p.endsWith("/"))
        {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static Path under(final Path root, final String absolute)
    {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    private static List<String> lines(final Path p)
    {
        try
        {
            return Files.readAllLines(p);
        }
        catch (final IOException | RuntimeException ex)
        {
            return List.of();
        }
    }

    private static String first(final Path p)
    {
        final List<String> l = lines(p);
        return l.isEmpty() ? null : l.get(0);
    }

    /** One line of /proc/self/mountinfo: {@code id parent dev root mountpoint opts [tags] - fstype source superopts}. */
    private record Mount(String root, String mountPoint, String fsType, List<String> superOptions)
    {
        static Mount parse(final String line)
        {
            final String[] f = line.trim().split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++)
            {
                if (f[i].equals("-"))
                {
                    dash = i;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 3 > f.length)
            {
                return null;
            }
            final List<String> superOptions = dash + 3 < f.length ? Arrays.asList(f[dash + 3].split(",")) : List.of();
            return new Mount(unescape(f[3]), normalize(unescape(f[4])), f[dash + 1], superOptions);
        }

        /** mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
        private static String unescape(final String s)
        {
            if (s.indexOf('\\') < 0)
            {
                return s;
            }
            final StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++)
            {
                final char c = s.charAt(i);
                if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}"))
                {
                    b.append((char)Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                }
                else
                {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }
}
