package dev.spindle;

/**
 * The message a process that traps exits ({@link Proc#trapExit(boolean)}) receives instead of
 * dying from an exit signal: the BEAM's {@code {'EXIT', From, Reason}}.
 *
 * @param from   who sent the signal (a linked process that exited, or the caller of {@code exit(pid, reason)}).
 * @param reason its reason.
 */
public record Exit(Pid from, Object reason)
{
}
