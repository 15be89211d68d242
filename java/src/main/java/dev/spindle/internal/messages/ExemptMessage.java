package dev.spindle.internal.messages;

/**
 * A message of Spindle's own protocols that the check takes as it is, without looking inside:
 * one that carries code to run, such as a supervisor's start-child request with its process body.
 * A body may capture what it likes, as the body given to spawn does; nothing checks either.
 */
public interface ExemptMessage
{
}
