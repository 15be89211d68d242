package dev.spindle;

/**
 * Which implementation holds the schedulers' run queues.
 */
public enum RunQueues
{
    /** Lock-free queues in native memory, reached through JNI (the default). */
    NATIVE,
    /**
     * The same algorithm in pure Java (Agrona ring buffer for the inject path). Chosen only by
     * explicit configuration: it exists so that benchmarks can show what the native side buys,
     * and for platforms without the native library.
     */
    JAVA
}
