package dev.spindle.internal.placement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The cgroup CPU quota read from fake /proc and /sys trees. */
class CgroupCpuLimitTest
{
    private static final String V2_MOUNT = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate";
    private static final String V1_CPU_MOUNT = "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct";
    private static final String V1_CPUSET_MOUNT = "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset";
    private static final String UNIFIED_MOUNT = "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw";

    @TempDir
    Path root;

    private void write(final String path, final String text) throws IOException
    {
        final Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, text + "\n");
    }

    private void proc(final String cgroup, final String... mounts) throws IOException
    {
        write("/proc/self/cgroup", cgroup);
        write("/proc/self/mountinfo", String.join("\n", mounts));
    }

    @Test
    void v2QuotaIsRoundedUpToSchedulers() throws IOException
    {
        proc("0::/app.slice/svc.service", V2_MOUNT);
        write("/sys/fs/cgroup/app.slice/svc.service/cpu.max", "150000 100000");
        final CgroupCpuLimit l = CgroupCpuLimit.read(root);
        assertNotNull(l);
        assertEquals(1.5, l.cpus(), 1e-9);
        assertEquals(2, l.schedulers());
        assertEquals("1.5", l.cpusText());
        assertTrue(l.source().contains("cpu.max \"150000 100000\" in /sys/fs/cgroup/app.slice/svc.service"), l.source());
    }

    @Test
    void v2WithoutQuotaIsNoLimit() throws IOException
    {
        proc("0::/app.slice/svc.service", V2_MOUNT);
        write("/sys/fs/cgroup/app.slice/svc.service/cpu.max", "max 100000");
        assertNull(CgroupCpuLimit.read(root));
    }

    @Test
    void aSmallerQuotaHigherUpLimitsTheProcess() throws IOException
    {
        proc("0::/app.slice/svc.service", V2_MOUNT);
        write("/sys/fs/cgroup/app.slice/svc.service/cpu.max", "max 100000");
        write("/sys/fs/cgroup/app.slice/cpu.max", "50000 100000");
        final CgroupCpuLimit l = CgroupCpuLimit.read(root);
        assertEquals(0.5, l.cpus(), 1e-9);
        assertEquals(1, l.schedulers(), "half a CPU still runs one scheduler");
        assertTrue(l.source().endsWith("in /sys/fs/cgroup/app.slice"), l.source());
    }

    @Test
    void containerViewReadsTheMountPointItself() throws IOException
    {
        // cgroup namespace: the process sees itself at "/", the mount's root is the container's cgroup.
        proc("0::/", "30 23 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw");
        write("/sys/fs/cgroup/cpu.max", "200000 100000");
        assertEquals(2.0, CgroupCpuLimit.read(root).cpus(), 1e-9);
    }

    @Test
    void aMountRootThatPrefixesThePathIsStripped() throws IOException
    {
        proc("0::/kubepods/pod1/ctr", "30 23 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw");
        write("/sys/fs/cgroup/ctr/cpu.max", "300000 100000");
        assertEquals(3.0, CgroupCpuLimit.read(root).cpus(), 1e-9);
    }

    @Test
    void v1CpuControllerWinsOnHybridHosts() throws IOException
    {
        // As on this project's machine: v1 controllers plus an empty unified hierarchy.
        proc("4:memory:/x\n3:cpuset:/\n2:cpu,cpuacct:/docker/abc\n0::/", V1_CPUSET_MOUNT, V1_CPU_MOUNT, UNIFIED_MOUNT);
        write("/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "250000");
        write("/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000");
        write("/sys/fs/cgroup/unified/cpu.max", "100000 100000"); // must be ignored
        final CgroupCpuLimit l = CgroupCpuLimit.read(root);
        assertEquals(2.5, l.cpus(), 1e-9);
        assertEquals(3, l.schedulers());
        assertTrue(l.source().startsWith("cgroup v1 cpu.cfs_quota_us 250000 / cpu.cfs_period_us 100000"), l.source());
    }

    @Test
    void v1WithoutQuotaIsNoLimit() throws IOException
    {
        proc("2:cpu,cpuacct:/", V1_CPU_MOUNT);
        write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1");
        write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000");
        assertNull(CgroupCpuLimit.read(root));
    }

    @Test
    void cpusetAloneIsNotTheCpuController() throws IOException
    {
        proc("3:cpuset:/a\n0::/a", V1_CPUSET_MOUNT, V2_MOUNT);
        write("/sys/fs/cgroup/a/cpu.max", "100000 100000");
        assertEquals(1.0, CgroupCpuLimit.read(root).cpus(), 1e-9, "no v1 cpu controller: v2 is read");
    }

    @Test
    void escapedMountPointsAreUnescaped() throws IOException
    {
        proc("0::/", "30 23 0:26 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw");
        write("/sys/fs/my cgroup/cpu.max", "100000 100000");
        assertEquals(1.0, CgroupCpuLimit.read(root).cpus(), 1e-9);
    }

    @Test
    void missingOrGarbledFilesMeanNoLimit() throws IOException
    {
        assertNull(CgroupCpuLimit.read(root), "no /proc at all");
        proc("0::/a", V2_MOUNT);
        assertNull(CgroupCpuLimit.read(root), "no cpu.max");
        write("/sys/fs/cgroup/a/cpu.max", "lots 100000");
        assertNull(CgroupCpuLimit.read(root), "not a number");
        proc("garbage", "garbage line");
        assertNull(CgroupCpuLimit.read(root));
    }

    @Test
    void thisMachineReadsWithoutFailing()
    {
        final CgroupCpuLimit l = CgroupCpuLimit.ofThisProcess();
        assertTrue(l == null || (l.cpus() > 0 && l.schedulers() >= 1), String.valueOf(l));
    }
}
