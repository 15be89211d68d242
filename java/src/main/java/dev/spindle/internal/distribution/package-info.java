/**
 * Distribution: named nodes in several JVMs and machines over Aeron (docs/distribution.md).
 *
 * <h2>Protocol</h2>
 * <ul>
 * <li>Pids and refs keep their small shape: their node number is a JVM-local alias of (node
 *     name, creation) from {@link dev.spindle.internal.distribution.NodeIds}; on the wire they
 *     are (name, creation, numbers). A restarted node has a new creation, so its pids never alias
 *     the old incarnation's.</li>
 * <li>Routing: a named node installs {@link dev.spindle.internal.distribution.Distribution} as
 *     the signals package's {@code Remote}; the runtime hands it every pid of another node. It
 *     encodes on the sender's thread and offers to the peer's publication; the distribution thread
 *     delivers what arrives through the ordinary send and signal paths.</li>
 * <li>Connections ({@link dev.spindle.internal.distribution.Connection}): one per peer
 *     incarnation, one Aeron publication per direction, so everything one process sends another
 *     stays in order. Handshake: HELLO, CHALLENGE, AUTH, ACCEPTED, with cookie proofs
 *     ({@link dev.spindle.internal.distribution.Handshake}); heartbeats; a silent, closed or
 *     refused connection goes DOWN once, firing every link and monitor recorded across it with
 *     {@code noconnection}.</li>
 * <li>Wire format: {@link dev.spindle.internal.distribution.Codec} (Apache Fory, registered
 *     classes only). Transport: {@link dev.spindle.internal.distribution.Transport} (the media
 *     driver and client, run by the distribution thread).</li>
 * </ul>
 * Depends on runtime, scheduler, signals, process and placement; nothing below depends on it.
 */
package dev.spindle.internal.distribution;
