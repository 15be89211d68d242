/**
 * The run queues: per scheduler, priority rings the owner pushes and thieves steal from, an inject
 * queue for other threads, an overflow list and a parker. One contract
 * ({@link dev.spindle.internal.runqueue.RunQueueSet}, mirroring native/include/spindle/spindle.h),
 * two implementations: native memory through JNI
 * ({@link dev.spindle.internal.runqueue.NativeRunQueueSet}) and a pure-Java twin
 * ({@link dev.spindle.internal.runqueue.JavaRunQueueSet}), checked by one contract test. Entries are
 * process-table indices. Depends on nativebridge only.
 */
package dev.spindle.internal.runqueue;
