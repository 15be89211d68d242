package dev.spindle.internal.placement;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Parses the CPU list and mask notations of Linux and OpenHFT. */
public final class CpuLists
{
    private CpuLists()
    {
    }

    /**
     * @param list Linux list notation, e.g. {@code 0-3,8,10-11}.
     * @return the CPU ids, ascending as written.
     * @throws IllegalArgumentException when malformed.
     */
    public static List<Integer> parse(final String list)
    {
        final List<Integer> out = new ArrayList<>();
        if (list.isBlank())
        {
            return out;
        }
        for (final String part : list.split(","))
        {
            final String p = part.trim();
            final int dash = p.indexOf('-');
            try
            {
                if (dash < 0)
                {
                    out.add(Integer.parseInt(p));
                }
                else
                {
                    final int from = Integer.parseInt(p.substring(0, dash));
                    final int to = Integer.parseInt(p.substring(dash + 1));
                    for (int i = from; i <= to; i++)
                    {
                        out.add(i);
                    }
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("bad CPU list '" + list + "'", ex);
            }
        }
        return out;
    }

    /**
     * @param hexMask OpenHFT's {@code affinity.reserved} notation: a hex bit mask, bit i = CPU i.
     * @return the CPU ids set in it, ascending.
     * @throws IllegalArgumentException when not hex.
     */
    public static int[] fromHexMask(final String hexMask)
    {
        final String h = hexMask.trim().replaceFirst("^0[xX]", "");
        final BigInteger mask;
        try
        {
            mask = new BigInteger(h, 16);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("affinity.reserved must be a hex CPU mask, was '" + hexMask + "'", ex);
        }
        return mask.bitCount() == 0 ? new int[0] :
            java.util.stream.IntStream.range(0, mask.bitLength()).filter(mask::testBit).toArray();
    }
}
