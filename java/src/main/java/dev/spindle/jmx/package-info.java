/**
 * JMX MXBeans for a node and each of its schedulers, read by JConsole, VisualVM, JMX exporters
 * (Prometheus' jmx_exporter, Datadog, ...) from the platform MBean server:
 * {@code SpindleMBeans.register(node)} registers
 * {@code dev.spindle:type=Node,node=<id>} ({@link dev.spindle.jmx.NodeMXBean}) and
 * {@code dev.spindle:type=Scheduler,node=<id>,scheduler=<i>} ({@link dev.spindle.jmx.SchedulerMXBean}).
 *
 * <p>Built on the public API only ({@code Node.stats()}, {@code placement()}, {@code processCount()},
 * {@code topProcesses}): this package sits above {@code dev.spindle} and nothing in the runtime
 * names it. One attribute read costs one {@code node.stats()} at most: readings are shared for
 * {@link dev.spindle.jmx.SpindleMBeans#SNAPSHOT_MILLIS} ms, so a client reading every attribute
 * of every scheduler in one sweep sees one consistent snapshot and pays for one.
 */
package dev.spindle.jmx;
