package dev.spindle.observer;

/**
 * A small JSON writer for the page's frames: objects and arrays nest, commas are placed for the
 * caller. Not thread-safe; one per frame.
 */
final class Json
{
    private final StringBuilder sb;
    /** Per open container (bit per depth, up to 64): whether it holds a value yet. */
    private long started;
    private int depth;
    /** A key was written and its value is due: no comma before it. */
    private boolean afterKey;

    Json(final int capacity)
    {
        this.sb = new StringBuilder(capacity);
    }

    private void separate()
    {
        if (afterKey)
        {
            afterKey = false;
            return;
        }
        if (depth > 0)
        {
            final long bit = 1L << (depth - 1);
            if ((started & bit) != 0)
            {
                sb.append(',');
            }
            started |= bit;
        }
    }

    private Json open(final char c)
    {
        separate();
        sb.append(c);
        depth++;
        if (depth > 64)
        {
            throw new IllegalStateException("JSON nested deeper than 64");
        }
        started &= ~(1L << (depth - 1));
        return this;
    }

    private Json close(final char c)
    {
        sb.append(c);
        depth--;
        return this;
    }

    Json object()
    {
        return open('{');
    }

    Json end()
    {
        return close('}');
    }

    Json array()
    {
        return open('[');
    }

    Json endArray()
    {
        return close(']');
    }

    Json key(final String k)
    {
        separate();
        quote(sb, k);
        sb.append(':');
        afterKey = true;
        return this;
    }

    Json value(final String v)
    {
        separate();
        if (v == null)
        {
            sb.append("null");
        }
        else
        {
            quote(sb, v);
        }
        return this;
    }

    Json value(final long v)
    {
        separate();
        sb.append(v);
        return this;
    }

    Json value(final boolean v)
    {
        separate();
        sb.append(v);
        return this;
    }

    /** A fraction or rate with up to four decimals; NaN and infinities become null. */
    Json value(final double v)
    {
        separate();
        if (Double.isNaN(v) || Double.isInfinite(v))
        {
            sb.append("null");
        }
        else
        {
            final long scaled = Math.round(v * 10_000);
            if (scaled % 10_000 == 0)
            {
                sb.append(scaled / 10_000);
            }
            else
            {
                sb.append(scaled / 10_000.0);
            }
        }
        return this;
    }

    Json field(final String k, final String v)
    {
        return key(k).value(v);
    }

    Json field(final String k, final long v)
    {
        return key(k).value(v);
    }

    Json field(final String k, final double v)
    {
        return key(k).value(v);
    }

    Json field(final String k, final boolean v)
    {
        return key(k).value(v);
    }

    @Override
    public String toString()
    {
        return sb.toString();
    }

    /** Appends s as a JSON string; also escapes '<' so a frame can never close a script element. */
    static void quote(final StringBuilder sb, final String s)
    {
        sb.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<' -> sb.append("\\u003c");
                default ->
                {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
