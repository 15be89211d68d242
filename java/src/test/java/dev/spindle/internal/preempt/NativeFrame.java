package dev.spindle.internal.preempt;

/**
 * Not rewritten: its class initializer polls by hand, so a preemption is attempted while the VM's
 * call into the initializer (a native frame) is on the stack and the continuation cannot yield.
 */
final class NativeFrame
{
    static final int POLLS = Integer.getInteger("preempt.test.nativePolls", 10_000);
    static final long DONE;

    static
    {
        DONE = Polls.times(POLLS);
    }

    private NativeFrame()
    {
    }
}
