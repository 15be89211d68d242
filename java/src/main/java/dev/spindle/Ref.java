package dev.spindle;

/**
 * A unique reference ({@link Proc#makeRef()}, monitors, calls). Printed as the BEAM prints them,
 * {@code #Ref<0.0.0.42>}.
 *
 * @param node the node that made it.
 * @param id   unique within that node.
 */
public record Ref(int node, long id)
{
    @Override
    public String toString()
    {
        return "#Ref<" + node + ".0.0." + id + ">";
    }
}
