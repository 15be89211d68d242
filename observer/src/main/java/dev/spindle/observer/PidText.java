package dev.spindle.observer;

import dev.spindle.Pid;

/** Pids as the page writes them: {@code <0.42.0>}, or without the brackets. */
final class PidText
{
    private PidText()
    {
    }

    /**
     * @param text {@code <node.index.serial>} or {@code node.index.serial}.
     * @return the pid, or null when the text is not one (no exception: user input).
     */
    static Pid parse(final String text)
    {
        if (text == null)
        {
            return null;
        }
        String s = text.strip();
        if (s.startsWith("<") && s.endsWith(">"))
        {
            s = s.substring(1, s.length() - 1);
        }
        final String[] parts = s.split("\\.", -1);
        if (parts.length != 3)
        {
            return null;
        }
        try
        {
            final int node = Integer.parseInt(parts[0]);
            final int index = Integer.parseInt(parts[1]);
            final int serial = Integer.parseInt(parts[2]);
            return node < 0 || index < 0 || serial < 0 ? null : new Pid(node, index, serial);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }
}
