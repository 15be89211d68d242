package dev.spindle.internal.nativebridge;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.RunQueues;
import dev.spindle.testing.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A missing JVM flag fails Node.start with the flags to add, not with the JDK's IllegalAccessError. */
class JvmFlagsTest
{
    private static final String ALL = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED " +
        "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/jdk.internal.misc=ALL-UNNAMED " +
        "--enable-native-access=ALL-UNNAMED";

    @Test
    void thisJvmHasThemAll()
    {
        assertEquals(List.of(), JvmFlags.missing(true));
        JvmFlags.check(true);
    }

    @Test
    void withoutAnyFlagTheMessageIsTheLineToAdd() throws Exception
    {
        final String out = ForkedJvm.run(List.of(), Starter.class, "NATIVE", "pinned");
        assertTrue(out.contains("IllegalStateException: Spindle needs JVM flags that are missing; add to the java command line:\n    " +
            ALL + "\n"), out);
        assertFalse(out.contains("IllegalAccessError"), out);
    }

    @Test
    void onlyTheMissingFlagsAreListed() throws Exception
    {
        final String vm = ForkedJvm.run(List.of("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED"), Starter.class, "NATIVE", "pinned");
        assertTrue(vm.contains("command line:\n    --add-exports java.base/jdk.internal.vm=ALL-UNNAMED\n"), vm);

        final String misc = ForkedJvm.run(List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED"), Starter.class, "JAVA", "unpinned");
        assertTrue(misc.contains("command line:\n    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED " +
            "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED\n"), misc);

        final String nativeAccess = ForkedJvm.run(List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"), Starter.class, "JAVA", "pinned");
        assertTrue(nativeAccess.contains("command line:\n    --enable-native-access=ALL-UNNAMED\n"), nativeAccess);
    }

    @Test
    void nativeAccessIsNotNeededWithoutNativeCode() throws Exception
    {
        // Java run queues, no pinning: JDK 25 only warns when libspindle is probed for the CPU mask.
        final String out = ForkedJvm.run(List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"), Starter.class, "JAVA", "unpinned");
        assertTrue(out.contains("started: ran"), out);
    }

    /** The forked JVM: starts a node (run queues args[0], args[1] pinned or unpinned) and runs a process. */
    public static final class Starter
    {
        public static void main(final String[] args) throws Exception
        {
            final NodeConfig config = NodeConfig.builder().schedulers(1).runQueues(RunQueues.valueOf(args[0]))
                .pinned(args[1].equals("pinned")).build();
            try (Node node = Node.start(config); var inbox = node.inbox())
            {
                node.spawn(() -> dev.spindle.Proc.send(inbox.pid(), "ran"));
                System.out.println("started: " + inbox.receive(java.time.Duration.ofSeconds(10)));
            }
            catch (final IllegalStateException ex)
            {
                System.out.println(ex);
            }
        }
    }
}
