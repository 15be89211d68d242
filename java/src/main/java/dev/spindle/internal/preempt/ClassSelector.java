package dev.spindle.internal.preempt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which classes get rewritten: those matching an include pattern and no exclude pattern, never
 * the JDK's or Spindle's own runtime. Patterns are over binary names with dots
 * ({@code com.example.Foo$Bar}): {@code *} matches within one package segment, {@code **} across
 * segments, so {@code com.example.**} is the package and its subpackages and
 * {@code com.example.*} the package's classes only.
 */
public final class ClassSelector
{
    // Never rewritten: the JDK (also refused by class loader) and the runtime itself, whose own
    // code must not give way in the middle of a runtime call.
    private static final List<String> NEVER = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
        "dev.spindle.internal.", "dev.spindle.agent.");

    private final List<String> includes;
    private final List<String> excludes;
    private final List<Pattern> includePatterns;
    private final List<Pattern> excludePatterns;

    /**
     * @param includes glob patterns; empty selects nothing.
     * @param excludes glob patterns.
     */
    public ClassSelector(final List<String> includes, final List<String> excludes)
    {
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
        this.includePatterns = compile(this.includes);
        this.excludePatterns = compile(this.excludes);
    }

    private static List<Pattern> compile(final List<String> globs)
    {
        final List<Pattern> out = new ArrayList<>(globs.size());
        for (final String glob : globs)
        {
            out.add(toRegex(glob));
        }
        return List.copyOf(out);
    }

    /**
     * @param glob a pattern as described on the class.
     * @return its regular expression.
     * @throws IllegalArgumentException for an empty pattern or one with characters a binary name
     *                                  cannot hold.
     */
    static Pattern toRegex(final String glob)
    {
        Objects.requireNonNull(glob, "pattern");
        if (glob.isBlank())
        {
            throw new IllegalArgumentException("empty class pattern");
        }
        final StringBuilder re = new StringBuilder(glob.length() + 16);
        for (int i = 0; i < glob.length(); i++)
        {
            final char c = glob.charAt(i);
            if (c == '*')
            {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*')
                {
                    re.append(".*");
                    i++;
                }
                else
                {
                    re.append("[^.]*");
                }
            }
            else if (c == '.' || c == '$')
            {
                re.append('\\').append(c);
            }
            else if (Character.isJavaIdentifierPart(c))
            {
                re.append(c);
            }
            else
            {
                throw new IllegalArgumentException("class pattern '" + glob + "' has '" + c +
                    "': use dotted class names with * (one package level) and ** (any depth)");
            }
        }
        // "com.example.**" also matches the package's own classes: ".*" after the dot covers them.
        return Pattern.compile(re.toString());
    }

    /**
     * @param className binary name with dots, or internal name with slashes.
     * @return whether it is rewritten.
     */
    public boolean selects(final String className)
    {
        final String name = className.replace('/', '.');
        if (isRuntimeOrJdk(name))
        {
            return false;
        }
        if (!matchesAny(includePatterns, name))
        {
            return false;
        }
        return !matchesAny(excludePatterns, name);
    }

    /**
     * @param name binary name with dots.
     * @return whether it belongs to the JDK or to Spindle's runtime (its API package
     * {@code dev.spindle}, {@code dev.spindle.internal.**}, {@code dev.spindle.agent.**}).
     */
    static boolean isRuntimeOrJdk(final String name)
    {
        for (final String prefix : NEVER)
        {
            if (name.startsWith(prefix))
            {
                return true;
            }
        }
        return name.startsWith("dev.spindle.") && name.indexOf('.', "dev.spindle.".length()) < 0;
    }

    private static boolean matchesAny(final List<Pattern> patterns, final String name)
    {
        for (final Pattern p : patterns)
        {
            if (p.matcher(name).matches())
            {
                return true;
            }
        }
        return false;
    }

    /** @return whether no include pattern is set (nothing is selected). */
    public boolean isEmpty()
    {
        return includes.isEmpty();
    }

    /** @return the include patterns. */
    public List<String> includes()
    {
        return includes;
    }

    /** @return the exclude patterns. */
    public List<String> excludes()
    {
        return excludes;
    }

    @Override
    public String toString()
    {
        return "include=" + includes + " exclude=" + excludes;
    }
}
