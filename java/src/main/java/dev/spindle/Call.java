package dev.spindle;

/**
 * A request made with {@link Proc#call(Pid, Object, java.time.Duration)}, as the server receives
 * it; answer with {@link Proc#reply(Call, Object)}.
 *
 * @param from    the caller.
 * @param ref     the call's reference (also the caller's monitor of the server).
 * @param request what was asked.
 */
public record Call(Pid from, Ref ref, Object request)
{
}
