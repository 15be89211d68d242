package dev.spindle;

/**
 * A message for a process of another node could not be sent, and nothing was sent: it cannot be
 * encoded (the message names the class and the field, e.g. a class not registered with
 * {@link NodeConfig.Builder#messageClasses(Class[])}), it is larger than the connection carries,
 * or the connection's send buffer stayed full and the node is configured to fail rather than wait
 * ({@link NodeConfig.Builder#sendWhenFull(NodeConfig.WhenFull)}). docs/distribution.md.
 */
public class RemoteSendException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong.
     */
    public RemoteSendException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong.
     * @param cause the serializer's error.
     */
    public RemoteSendException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
