/**
 * The opt-in message check ({@code NodeConfig.Builder.messageCheck}, docs/messages.md): at send,
 * is a message deeply immutable? Messages are shared references, never copies, so a mutable
 * message is state shared between processes.
 *
 * <h2>Where it runs</h2>
 * {@code Schedulers.send}, the one path every message takes (Proc.send, Node.send, Inbox sends,
 * call requests and replies, GenServer casts), tests one final field: null when the check is off,
 * so the off path costs a load and a branch. A {@code sendAfter} message is checked when the timer
 * is started, not when it fires, so the error reaches the caller. Signals (Exit, Down and their
 * reasons) are not messages and are not checked.
 *
 * <h2>How it decides</h2>
 * By class first: {@link dev.spindle.internal.messages.ClassPlans} decides once per class whether
 * every instance is immutable (a record of strings, numbers, enums, pids, and such records: then a
 * send costs one {@link java.lang.ClassValue} lookup), never (an array, an {@code ArrayList}, a
 * class with a non-final field: refused), or depends on what some final fields hold (declared as
 * {@code Object}, an interface, a non-final class) or on the elements of a JDK immutable
 * collection. Those values are walked at each send: an explicit stack, at most
 * {@code MAX_OBJECTS} objects (past it the message is refused as too large to check), and after
 * the first 64 objects opened an identity set, so cycles and shared sub-trees are opened once.
 * JDK classes are judged by {@link dev.spindle.internal.messages.JdkTypes}'s lists, never by
 * reflection; other classes by their declared fields, read with {@code trySetAccessible} (works
 * for the class path and for open packages; a class whose package is not open is refused, naming
 * the module). Depends on the API's value types only.
 */
package dev.spindle.internal.messages;
