package dev.spindle.internal.messages;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The per-class verdicts, cached in a {@link ClassValue} (which does not keep classes from being
 * unloaded). A class's plan is decided from the class alone, once:
 *
 * <ol>
 * <li>Trusted classes (and their subclasses) and {@link ExemptMessage}s: immutable.</li>
 * <li>Arrays: refused. Enums: immutable (their constants are shared singletons anyway).</li>
 * <li>JDK classes: by {@link JdkTypes}'s lists, never by reflection.</li>
 * <li>Other classes, records included: every instance field up the class chain must be final,
 *     else refused, naming the field. A field whose declared type settles it ({@link #settled})
 *     is not looked at again; the others are read at each send and their values checked.</li>
 * </ol>
 *
 * A declared type settles it when every value it can hold is deeply immutable: a primitive, a
 * final JDK value class, an enum, or a final (or sealed, with all permitted subclasses settled)
 * class whose fields are all final and of settled types. That is a greatest fixed point over the
 * graph of declared types, so a type reached again while it is being decided is assumed settled:
 * {@code record Node(int v, Node next)} is immutable, and any unsettled type anywhere in the
 * graph makes the answer false all the way up.
 */
final class ClassPlans extends ClassValue<Plan>
{
    private final Class<?>[] trusted;

    /**
     * @param trusted classes taken as immutable, with their subclasses
     */
    ClassPlans(final List<Class<?>> trusted)
    {
        this.trusted = trusted.toArray(new Class<?>[0]);
    }

    @Override
    protected Plan computeValue(final Class<?> c)
    {
        if (trusted(c))
        {
            return Plan.IMMUTABLE;
        }
        if (c.isArray())
        {
            return new Plan.Refuse("arrays are mutable", null);
        }
        if (Enum.class.isAssignableFrom(c))
        {
            return Plan.IMMUTABLE;
        }
        if (JdkTypes.isJdk(c))
        {
            if (JdkTypes.isValue(c))
            {
                return Plan.IMMUTABLE;
            }
            final JdkTypes.Container how = JdkTypes.container(c);
            return how != null ? new Plan.Elements(how) : new Plan.Refuse(JdkTypes.whyNot(c), null);
        }
        final List<Field> toCheck = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class && k != Record.class; k = k.getSuperclass())
        {
            for (final Field f : k.getDeclaredFields())
            {
                final int mod = f.getModifiers();
                if (Modifier.isStatic(mod))
                {
                    continue;
                }
                if (!Modifier.isFinal(mod))
                {
                    return new Plan.Refuse("a non-final field of " + k.getName(), f.getName());
                }
                if (!settled(f.getType(), new HashSet<>()))
                {
                    toCheck.add(f);
                }
            }
        }
        if (toCheck.isEmpty())
        {
            return Plan.IMMUTABLE;
        }
        for (final Field f : toCheck)
        {
            if (!f.trySetAccessible())
            {
                final Class<?> owner = f.getDeclaringClass();
                return new Plan.Refuse("its fields cannot be read: " + owner.getModule() + " does not open package " +
                    owner.getPackageName() + " to Spindle; open it, or trust the class in NodeConfig.messageCheck", null);
            }
        }
        final String[] names = new String[toCheck.size()];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = toCheck.get(i).getName();
        }
        return new Plan.Fields(names, toCheck.toArray(new Field[0]));
    }

    private boolean trusted(final Class<?> c)
    {
        if (ExemptMessage.class.isAssignableFrom(c))
        {
            return true;
        }
        for (final Class<?> t : trusted)
        {
            if (t.isAssignableFrom(c))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param type     a field's declared type.
     * @param deciding the types being decided on this path down (assumed settled when met again).
     * @return whether every value of that type is deeply immutable.
     */
    private boolean settled(final Class<?> type, final Set<Class<?>> deciding)
    {
        if (type.isPrimitive() || trusted(type) || Enum.class.isAssignableFrom(type))
        {
            return true;
        }
        if (type.isArray())
        {
            return false;
        }
        if (JdkTypes.isJdk(type))
        {
            return JdkTypes.isValue(type) && Modifier.isFinal(type.getModifiers());
        }
        if (!deciding.add(type))
        {
            return true;
        }
        if (type.isSealed())
        {
            for (final Class<?> sub : type.getPermittedSubclasses())
            {
                if (!settled(sub, deciding))
                {
                    return false;
                }
            }
        }
        else if (!Modifier.isFinal(type.getModifiers()))
        {
            return false; // an interface, or a class a subclass may extend with anything
        }
        for (Class<?> k = type; k != null && k != Object.class && k != Record.class; k = k.getSuperclass())
        {
            for (final Field f : k.getDeclaredFields())
            {
                final int mod = f.getModifiers();
                if (!Modifier.isStatic(mod) && (!Modifier.isFinal(mod) || !settled(f.getType(), deciding)))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
