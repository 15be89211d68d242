package dev.spindle.bench.cases;

/**
 * Run sizes: the full suite (about five minutes on 2 cores) or the quick smoke run (under 40 s).
 *
 * @param quick   smoke-run sizes.
 * @param timeoutSeconds how long one case on one peer may take before it is reported as a timeout.
 */
public record Scale(boolean quick, long timeoutSeconds)
{
    /**
     * @param full  size in the full suite.
     * @param quick size in the quick run.
     * @return the size for this scale.
     */
    public int pick(final int full, final int quick)
    {
        return this.quick ? quick : full;
    }
}
