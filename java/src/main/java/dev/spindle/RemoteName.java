package dev.spindle;

/**
 * A name registered on another node: the BEAM's {@code {Name, Node}}. Send to it with
 * {@link Proc#send(RemoteName, Object)} (dropped silently when nobody holds the name there, as the
 * BEAM does), find its holder with {@link Proc#whereis(RemoteName)} (docs/distribution.md).
 *
 * @param node the node's name, as given to {@link NodeConfig.Builder#name(String)}.
 * @param name the registered name on that node.
 */
public record RemoteName(String node, String name)
{
    /**
     * @param node the node's name, not empty.
     * @param name the registered name, not empty.
     */
    public RemoteName
    {
        if (node == null || node.isEmpty() || name == null || name.isEmpty())
        {
            throw new IllegalArgumentException("a RemoteName needs a node and a name, both non-empty: got " + node + ", " + name);
        }
    }

    @Override
    public String toString()
    {
        return "{" + name + ", " + node + "}";
    }
}
