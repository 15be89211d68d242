package dev.spindle.observer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict little JSON reader for the tests: objects to Map, arrays to List, numbers to Double. */
final class MiniJson
{
    private final String s;
    private int i;

    private MiniJson(final String s)
    {
        this.s = s;
    }

    static Object parse(final String text)
    {
        final MiniJson p = new MiniJson(text);
        final Object v = p.value();
        p.ws();
        if (p.i != text.length())
        {
            throw new IllegalArgumentException("trailing text at " + p.i + ": " + text.substring(p.i, Math.min(text.length(), p.i + 40)));
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String text)
    {
        return (Map<String, Object>)parse(text);
    }

    private void ws()
    {
        while (i < s.length() && Character.isWhitespace(s.charAt(i)))
        {
            i++;
        }
    }

    private Object value()
    {
        ws();
        final char c = s.charAt(i);
        switch (c)
        {
            case '{':
            {
                i++;
                final Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}')
                {
                    i++;
                    return m;
                }
                for (;;)
                {
                    ws();
                    final String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',')
                    {
                        i++;
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            case '[':
            {
                i++;
                final List<Object> l = new ArrayList<>();
                ws();
                if (s.charAt(i) == ']')
                {
                    i++;
                    return l;
                }
                for (;;)
                {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',')
                    {
                        i++;
                        continue;
                    }
                    expect(']');
                    return l;
                }
            }
            case '"':
                return string();
            default:
                if (s.startsWith("true", i))
                {
                    i += 4;
                    return true;
                }
                if (s.startsWith("false", i))
                {
                    i += 5;
                    return false;
                }
                if (s.startsWith("null", i))
                {
                    i += 4;
                    return null;
                }
                final int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0)
                {
                    i++;
                }
                if (start == i)
                {
                    throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
                }
                return Double.parseDouble(s.substring(start, i));
        }
    }

    private void expect(final char c)
    {
        if (s.charAt(i) != c)
        {
            throw new IllegalArgumentException("expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
        }
        i++;
    }

    private String string()
    {
        expect('"');
        final StringBuilder sb = new StringBuilder();
        for (;;)
        {
            final char c = s.charAt(i++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw new IllegalArgumentException("raw control character in a string at " + (i - 1));
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            final char e = s.charAt(i++);
            switch (e)
            {
                case '"', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' ->
                {
                    sb.append((char)Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e);
            }
        }
    }
}
