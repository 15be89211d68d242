package dev.spindle;

/**
 * The code a process runs: ordinary sequential Java that may block in {@link Proc#receive()}.
 * Returning ends the process normally; an exception ends only this process and is logged with
 * its pid.
 */
@FunctionalInterface
public interface ProcessBody
{
    /**
     * Runs the process.
     *
     * @throws Exception anything; it ends this process only.
     */
    void run() throws Exception;
}
