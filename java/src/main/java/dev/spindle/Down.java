package dev.spindle;

/**
 * The message a monitoring process receives when the monitored process exits (or did not exist:
 * reason {@link Reason#NOPROC}): the BEAM's {@code {'DOWN', Ref, process, Pid, Reason}}.
 *
 * @param ref    the monitor, as {@link Proc#monitor(Pid)} returned it.
 * @param pid    the monitored process.
 * @param reason its exit reason.
 */
public record Down(Ref ref, Pid pid, Object reason)
{
}
