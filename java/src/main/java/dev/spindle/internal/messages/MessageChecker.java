package dev.spindle.internal.messages;

import dev.spindle.MessageCheck;
import dev.spindle.NodeConfig;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's message check ({@link NodeConfig#messageCheck()}): at send, is the message deeply
 * immutable? See the package documentation for the rules and the costs.
 *
 * <p>Thread-safe: any sending thread calls {@link #check}; the per-class plans live in a
 * {@link ClassValue} shared by every node with the same trusted classes.
 */
public final class MessageChecker
{
    /** Objects one check may look at; past it the message is refused as too large to check. */
    static final int MAX_OBJECTS = 1 << 20;
    /** Containers and objects walked before the walk starts remembering what it saw (cycle guard). */
    private static final int UNGUARDED = 64;
    /** Distinct warnings logged in WARN mode, after which they are suppressed. */
    private static final int MAX_WARNINGS = 1024;
    private static final System.Logger LOG = System.getLogger("dev.spindle.messages");
    private static final ClassPlans UNTRUSTING = new ClassPlans(List.of());

    private final boolean reject;
    private final ClassPlans plans;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private MessageChecker(final boolean reject, final ClassPlans plans)
    {
        this.reject = reject;
        this.plans = plans;
    }

    /**
     * @param config a node's configuration.
     * @return its checker, or null when the check is off (the send path then tests one final field).
     */
    public static MessageChecker of(final NodeConfig config)
    {
        return of(config.messageCheck(), config.messageCheckTrusted());
    }

    /**
     * @param mode    the mode.
     * @param trusted classes taken as immutable, with their subclasses.
     * @return the checker, or null for {@link MessageCheck#OFF}.
     */
    public static MessageChecker of(final MessageCheck mode, final List<Class<?>> trusted)
    {
        if (mode == MessageCheck.OFF)
        {
            return null;
        }
        return new MessageChecker(mode == MessageCheck.REJECT, trusted.isEmpty() ? UNTRUSTING : new ClassPlans(trusted));
    }

    /**
     * Checks a message about to be sent.
     *
     * @param message not null.
     * @throws IllegalArgumentException in REJECT mode, when it is not deeply immutable (naming the
     *                                  path to the first mutable part found).
     */
    public void check(final Object message)
    {
        if (plans.get(message.getClass()) == Plan.IMMUTABLE)
        {
            return; // the common case after the first send of a class: one ClassValue lookup
        }
        final Failure first = walk(message, false);
        if (first == null)
        {
            return;
        }
        // Again, recording the path: everything above the offender is immutable, so the same one is found.
        final Failure named = walk(message, true);
        final Failure f = named != null ? named : first;
        final String text = f.describe();
        if (reject)
        {
            throw new IllegalArgumentException(text);
        }
        warn(message, f, text);
    }

    private void warn(final Object message, final Failure f, final String text)
    {
        final String key = message.getClass().getName() + " " + f.key();
        if (warned.size() < MAX_WARNINGS && warned.add(key))
        {
            LOG.log(Level.WARNING, text + (warned.size() == MAX_WARNINGS ?
                " (" + MAX_WARNINGS + " distinct warnings logged: no more will be)" : " (logged once per message class and offender)"));
        }
    }

    /** One step of a recorded path: a field, an index or a key below {@code parent}. */
    private record Step(Step parent, String label)
    {
        String render()
        {
            final java.util.ArrayDeque<String> labels = new java.util.ArrayDeque<>();
            for (Step s = this; s != null; s = s.parent)
            {
                labels.addFirst(s.label);
            }
            return String.join("", labels);
        }
    }

    /** What the walk found: the offender and where, or that the message was too large. */
    private record Failure(Object offender, Plan.Refuse refuse, Step at, Object root)
    {
        String describe()
        {
            final String prefix = "message not deeply immutable: ";
            if (refuse == null)
            {
                return "message too large to check for immutability: more than " + MAX_OBJECTS + " objects reachable from " +
                    root.getClass().getName() + "; trust its class in NodeConfig.messageCheck or send less";
            }
            if (refuse.field() != null)
            {
                return prefix + (at == null ? "?" : at.render()) + "." + refuse.field() + " (" + refuse.why() + ")";
            }
            final String what = offender.getClass().getTypeName() + " (" + refuse.why() + ")";
            return prefix + (at == null || at.parent() == null ? what : at.render() + " -> " + what);
        }

        String key()
        {
            return refuse == null ? "too large" : offender.getClass().getName() + (refuse.field() == null ? "" : "." + refuse.field());
        }
    }

    /**
     * Walks the message depth first with an explicit stack (no recursion, so a long chain cannot
     * overflow the thread's stack), counting every object met against {@link #MAX_OBJECTS}.
     * Children whose plan is immutable are counted and dropped, never pushed; the others are
     * pushed so that the first child is looked at first. After {@link #UNGUARDED} objects have
     * been opened, each opened object is remembered by identity, so a cycle or a shared sub-tree
     * is opened once. Allocates nothing for a message whose children are all immutable by class;
     * otherwise a small stack, grown as needed.
     *
     * @param root  the message.
     * @param paths whether to record the path (only for the error: it allocates).
     * @return null when deeply immutable, else what was found.
     */
    private Failure walk(final Object root, final boolean paths)
    {
        final Walk w = new Walk(paths);
        Object o = root;
        Step at = paths ? new Step(null, rootName(root.getClass())) : null;
        int opened = 0;
        IdentityHashMap<Object, Boolean> visited = null;
        for (;;)
        {
            final Plan plan = plans.get(o.getClass());
            if (plan instanceof Plan.Refuse r)
            {
                return new Failure(o, r, at, root);
            }
            boolean open = plan != Plan.IMMUTABLE; // only the root can be immutable here: children are filtered at push
            if (open && ++opened > UNGUARDED)
            {
                if (visited == null)
                {
                    visited = new IdentityHashMap<>();
                }
                open = visited.put(o, Boolean.TRUE) == null;
            }
            if (open)
            {
                final int first = w.top;
                if (plan instanceof Plan.Fields f)
                {
                    final java.lang.reflect.Field[] fields = f.fields();
                    for (int i = 0; i < fields.length; i++)
                    {
                        final Object v;
                        try
                        {
                            v = fields[i].get(o);
                        }
                        catch (final IllegalAccessException e)
                        {
                            return new Failure(o, new Plan.Refuse("its field " + f.names()[i] + " cannot be read: " + e.getMessage(), null), at, root);
                        }
                        if (!w.offer(v, at, paths ? "." + f.names()[i] : null))
                        {
                            return new Failure(root, null, null, root);
                        }
                    }
                }
                else if (!elements(o, ((Plan.Elements)plan).how(), w, at))
                {
                    return new Failure(root, null, null, root);
                }
                w.reverseFrom(first);
            }
            if (w.top == 0)
            {
                return null;
            }
            w.top--;
            o = w.stack[w.top];
            w.stack[w.top] = null;
            if (paths)
            {
                at = w.steps[w.top];
            }
        }
    }

    /** The walk's stack and count. */
    private final class Walk
    {
        private final boolean paths;
        Object[] stack;
        Step[] steps;
        int top;
        int seen = 1;

        Walk(final boolean paths)
        {
            this.paths = paths;
        }

        /** Counts a child and pushes it unless it is null or immutable by class. @return false when too many */
        boolean offer(final Object child, final Step parent, final String label)
        {
            if (++seen > MAX_OBJECTS)
            {
                return false;
            }
            if (child == null || plans.get(child.getClass()) == Plan.IMMUTABLE)
            {
                return true;
            }
            if (stack == null)
            {
                stack = new Object[8];
                steps = paths ? new Step[8] : null;
            }
            else if (top == stack.length)
            {
                stack = Arrays.copyOf(stack, top * 2);
                if (paths)
                {
                    steps = Arrays.copyOf(steps, top * 2);
                }
            }
            stack[top] = child;
            if (paths)
            {
                steps[top] = new Step(parent, label);
            }
            top++;
            return true;
        }

        /** Reverses what the last open pushed, so its first child is popped first. */
        void reverseFrom(final int first)
        {
            for (int i = first, j = top - 1; i < j; i++, j--)
            {
                final Object t = stack[i];
                stack[i] = stack[j];
                stack[j] = t;
                if (paths)
                {
                    final Step s = steps[i];
                    steps[i] = steps[j];
                    steps[j] = s;
                }
            }
        }
    }

    /** Offers the elements of a known immutable JDK container. @return false when too many */
    private static boolean elements(final Object o, final JdkTypes.Container how, final Walk w, final Step at)
    {
        final boolean paths = w.paths;
        switch (how)
        {
            case COLLECTION ->
            {
                int i = 0;
                for (final Object e : (Collection<?>)o)
                {
                    if (!w.offer(e, at, paths ? "[" + i + "]" : null))
                    {
                        return false;
                    }
                    i++;
                }
                return true;
            }
            case MAP ->
            {
                int i = 0;
                for (final Map.Entry<?, ?> e : ((Map<?, ?>)o).entrySet())
                {
                    if (!w.offer(e.getKey(), at, paths ? ".keys[" + i + "]" : null) ||
                        !w.offer(e.getValue(), at, paths ? "[" + shortText(e.getKey()) + "]" : null))
                    {
                        return false;
                    }
                    i++;
                }
                return true;
            }
            case ENTRY ->
            {
                final Map.Entry<?, ?> e = (Map.Entry<?, ?>)o;
                return w.offer(e.getKey(), at, ".key") && w.offer(e.getValue(), at, ".value");
            }
            case OPTIONAL ->
            {
                return w.offer(((Optional<?>)o).orElse(null), at, ".get()");
            }
            default -> throw new AssertionError(how);
        }
    }

    private static String shortText(final Object key)
    {
        if (key == null)
        {
            return "null";
        }
        final String s = key instanceof String str ? '"' + str + '"' : String.valueOf(key);
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String rootName(final Class<?> c)
    {
        final String simple = c.getSimpleName();
        return simple.isEmpty() || c.isHidden() ? c.getName() : simple;
    }
}
