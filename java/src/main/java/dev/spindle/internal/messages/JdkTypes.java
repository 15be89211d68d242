package dev.spindle.internal.messages;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDK classes the check knows, judged by this list and never by reflection (the JDK's
 * packages are not open to us, and a JDK class's fields say little: {@code String.hash} is not
 * final, yet strings are immutable). A JDK class on neither list is taken as mutable.
 */
final class JdkTypes
{
    /** How the elements of a known immutable JDK container are reached. */
    enum Container
    {
        /** A {@link Collection}: its elements, by iteration. */
        COLLECTION,
        /** A {@link Map}: its keys and values. */
        MAP,
        /** A {@link Map.Entry}: its key and value. */
        ENTRY,
        /** An {@link Optional}: its value, if any. */
        OPTIONAL
    }

    /** Immutable values with nothing mutable inside (documented immutable by the JDK). */
    private static final Set<Class<?>> VALUES = Set.of(
        Object.class, // a bare new Object() has no state: a token
        String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class, Long.class, Float.class,
        Double.class, BigInteger.class, BigDecimal.class, UUID.class, Locale.class, Currency.class, URI.class,
        Pattern.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class,
        Instant.class, Duration.class, LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
        OffsetTime.class, ZonedDateTime.class, Period.class, Year.class, YearMonth.class, MonthDay.class,
        ZoneOffset.class, ZoneId.of("Europe/Paris").getClass(), DateTimeFormatter.class,
        Path.of("p").getClass()); // the default file system's paths (documented immutable)

    /** Immutable JDK containers whose elements are checked; found from samples, as their classes are private. */
    private static final Map<Class<?>, Container> CONTAINERS = containers();

    private JdkTypes()
    {
    }

    private static Map<Class<?>, Container> containers()
    {
        final Map<Class<?>, Container> m = new HashMap<>();
        final List<Object> collections = List.of(
            List.of(), List.of(1), List.of(1, 2, 3), List.of(1, 2, 3).subList(0, 2),
            Stream.of().toList(), Stream.of(1).toList(), Stream.of(1, 2, 3).toList(),
            Collections.emptyList(), Collections.singletonList(1), Collections.nCopies(2, 1),
            Set.of(), Set.of(1), Set.of(1, 2, 3), Collections.emptySet(), Collections.singleton(1));
        for (final Object c : collections)
        {
            m.put(c.getClass(), Container.COLLECTION);
        }
        for (final Object c : List.of(Map.of(), Map.of(1, 2), Map.of(1, 2, 3, 4), Collections.emptyMap(), Collections.singletonMap(1, 2)))
        {
            m.put(c.getClass(), Container.MAP);
        }
        m.put(Map.entry(1, 2).getClass(), Container.ENTRY);
        m.put(AbstractMap.SimpleImmutableEntry.class, Container.ENTRY);
        m.put(Optional.class, Container.OPTIONAL);
        return Map.copyOf(m);
    }

    /**
     * @param c a class
     * @return whether it was loaded by the JDK (boot or platform loader)
     */
    static boolean isJdk(final Class<?> c)
    {
        final ClassLoader l = c.getClassLoader();
        return l == null || l == ClassLoader.getPlatformClassLoader();
    }

    /**
     * @param c a JDK class
     * @return whether its instances are immutable values
     */
    static boolean isValue(final Class<?> c)
    {
        return VALUES.contains(c);
    }

    /**
     * @param c a JDK class
     * @return how to reach its elements if it is a known immutable container, else null
     */
    static Container container(final Class<?> c)
    {
        return CONTAINERS.get(c);
    }

    /**
     * @param c a JDK class on neither list.
     * @return why it is not taken as immutable, for the error.
     */
    static String whyNot(final Class<?> c)
    {
        final String name = c.getName();
        if (name.startsWith("java.util.Collections$Unmodifiable"))
        {
            return "an unmodifiable view: the collection behind it can still change; send List.copyOf/Map.copyOf/Set.copyOf";
        }
        if (name.equals("java.util.Arrays$ArrayList"))
        {
            return "mutable collection: Arrays.asList writes through to its array";
        }
        if (Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c))
        {
            return "mutable collection";
        }
        if (Throwable.class.isAssignableFrom(c))
        {
            return "exceptions are mutable (stack trace, cause, suppressed)";
        }
        return "a JDK class not known to be immutable";
    }
}
