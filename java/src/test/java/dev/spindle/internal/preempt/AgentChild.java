package dev.spindle.internal.preempt;

import dev.spindle.agent.SpindleAgent;
import dev.spindle.samples.preempt.Loops;
import dev.spindle.samples.preempt.Sync;

/**
 * Child-JVM main for {@code AgentTest}: runs the sample loops in a process on a test carrier and
 * prints how often it gave way. With {@code attach <agent jar> <options>} it first runs them
 * unrewritten, then attaches the agent to itself and runs them again.
 */
public final class AgentChild
{
    private AgentChild()
    {
    }

    static int yields(final long n) throws Exception
    {
        final TestCarrier carrier = TestCarrier.start("agent-child", 4000);
        try
        {
            final long[] out = new long[1];
            final TestCarrier.Proc p = new TestCarrier.Proc(() -> out[0] = Loops.spin(n) ^ Sync.inBlock(n));
            carrier.runToEnd(p);
            if (p.violations.get() != 0)
            {
                throw new AssertionError("violations " + p.violations.get());
            }
            return p.yields.get();
        }
        finally
        {
            carrier.shutdown();
        }
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && args[0].equals("attach"))
        {
            // Preemption is not touched before the agent is in: it decides once whether it can
            // find carriers.
            System.out.println("before=" + yields(1_000_000));
            final Class<?> vmClass = Class.forName("com.sun.tools.attach.VirtualMachine");
            final Object vm = vmClass.getMethod("attach", String.class).invoke(null, Long.toString(ProcessHandle.current().pid()));
            vmClass.getMethod("loadAgent", String.class, String.class).invoke(vm, args[1], args[2]);
            vmClass.getMethod("detach").invoke(vm);
        }
        System.out.println("enabled=" + Preemption.enabled());
        System.out.println("yields=" + yields(1_000_000));
        System.out.println(SpindleAgent.summary());
    }
}
