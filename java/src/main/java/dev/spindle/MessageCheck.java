package dev.spindle;

/**
 * What a node does, at send, with a message that is not deeply immutable
 * ({@link NodeConfig.Builder#messageCheck(MessageCheck, Class...)}, docs/messages.md).
 *
 * <p>Messages are passed by reference, never copied: a receiver sees the very object the sender
 * sent, so a mutable object (an {@code ArrayList}, an array, a class with a non-final field) sent
 * and then changed is seen changed by the receiver, and two processes may race on it. The check
 * finds such messages when they are sent. Deeply immutable means: strings, boxed numbers,
 * enums, {@link Pid}, {@link Ref}, {@link Reason}, the JDK's immutable value classes
 * ({@code java.time}, {@code BigDecimal}, {@code UUID}, ...), the JDK's immutable collections
 * ({@code List.of}, {@code Map.copyOf}, {@code Stream.toList}, ...) whose elements are deeply
 * immutable, and records and classes whose instance fields are all final and hold deeply
 * immutable values; never arrays, never {@code Collections.unmodifiable*} views.
 */
public enum MessageCheck
{
    /** No check (the default): a send costs nothing more. */
    OFF,
    /**
     * Log a warning (logger {@code dev.spindle.messages}) naming the path to the mutable part,
     * once per message class and offending class, and deliver the message anyway.
     */
    WARN,
    /**
     * Refuse the send: it throws {@link IllegalArgumentException} naming the path to the mutable
     * part, and the message is not delivered.
     */
    REJECT
}
