package dev.spindle.internal.messages;

import dev.spindle.MessageCheck;
import dev.spindle.Pid;
import dev.spindle.Reason;
import dev.spindle.Ref;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class MessageCheckerTest
{
    enum Colour { RED, GREEN { @Override public String toString() { return "green"; } } }

    record Point(int x, int y)
    {
    }

    record Order(String id, List<String> lines)
    {
    }

    record Line(String sku, int qty, long cents, Colour colour, Pid owner, Ref ref, Point at, Instant when)
    {
    }

    /** BigDecimal is not final (a subclass could be mutable), so the value is looked at. */
    record Money(BigDecimal amount)
    {
    }

    record Holder(Object value)
    {
    }

    record Data(int[] data)
    {
    }

    static final class Counter
    {
        int count;
    }

    static class Base
    {
        final Object extra;

        Base(final Object extra)
        {
            this.extra = extra;
        }
    }

    static final class Derived extends Base
    {
        final String name;

        Derived(final String name, final Object extra)
        {
            super(extra);
            this.name = name;
        }
    }

    /** A linked list by records: immutable, however long (the type graph has a cycle). */
    record Node(int value, Node next)
    {
    }

    /** Mutual recursion where one side is mutable: neither is settled by class. */
    record Ping(Pong pong)
    {
    }

    record Pong(Ping ping, List<String> any)
    {
    }

    sealed interface Shape permits Circle, Square
    {
    }

    record Circle(double r) implements Shape
    {
    }

    record Square(double side) implements Shape
    {
    }

    record Drawing(Shape a, Shape b)
    {
    }

    sealed interface Open permits Closed, Ajar
    {
    }

    record Closed() implements Open
    {
    }

    static non-sealed class Ajar implements Open
    {
    }

    record Door(Open state)
    {
    }

    /** An immutable object that holds itself: a cycle of objects, not only of types. */
    static final class Loop
    {
        final Object self;
        final Object other;

        Loop(final Object other)
        {
            this.self = this;
            this.other = other;
        }
    }

    static final class ImmutableButCached
    {
        final String text;
        int hash; // a lazily computed cache: mutable to the check, unless trusted

        ImmutableButCached(final String text)
        {
            this.text = text;
        }
    }

    static final class MyList extends AbstractList<String>
    {
        @Override
        public String get(final int index)
        {
            throw new IndexOutOfBoundsException();
        }

        @Override
        public int size()
        {
            return 0;
        }
    }

    static final class Carrier implements ExemptMessage
    {
        final List<String> anything = new ArrayList<>();
    }

    private static final MessageChecker REJECT = MessageChecker.of(MessageCheck.REJECT, List.of());

    private static String rejected(final Object message)
    {
        return assertThrows(IllegalArgumentException.class, () -> REJECT.check(message)).getMessage();
    }

    @Test
    void offIsNoChecker()
    {
        assertNull(MessageChecker.of(MessageCheck.OFF, List.of()));
    }

    @Test
    void immutableValuesPass()
    {
        final Pid pid = new Pid(0, 1, 2);
        final List<Object> ok = List.of("s", 1, 2L, 3.0, 'c', true, (byte)1, (short)2, 1.5f, BigDecimal.ONE, UUID.randomUUID(),
            LocalDate.now(), Instant.now(), Duration.ofSeconds(1), Colour.RED, Colour.GREEN, pid, new Ref(0, 7), Reason.NORMAL,
            new Point(1, 2), new Line("a", 1, 10, Colour.GREEN, pid, new Ref(0, 1), new Point(3, 4), Instant.now()), new Money(BigDecimal.TEN),
            new Object(), Optional.empty(), Optional.of("x"), new Node(1, new Node(2, null)),
            new Drawing(new Circle(1), new Square(2)), new Door(new Closed()));
        for (final Object m : ok)
        {
            assertDoesNotThrow(() -> REJECT.check(m), m.getClass().getName());
        }
    }

    @Test
    void classesSettledByTheirTypesAreDecidedOnceAndNeverWalked()
    {
        final ClassPlans plans = new ClassPlans(List.of());
        for (final Class<?> c : List.of(String.class, Point.class, Line.class, Node.class, Drawing.class, Colour.class,
            Colour.GREEN.getClass(), Pid.class, Ref.class, Reason.class))
        {
            assertSame(Plan.IMMUTABLE, plans.get(c), c.getName());
        }
        // unsettled: a field of an interface type, a non-sealed permitted subclass, a cycle through a List
        assertInstanceOf(Plan.Fields.class, plans.get(Order.class));
        assertInstanceOf(Plan.Fields.class, plans.get(Money.class));
        assertInstanceOf(Plan.Fields.class, plans.get(Door.class));
        assertInstanceOf(Plan.Fields.class, plans.get(Ping.class));
        assertInstanceOf(Plan.Fields.class, plans.get(Pong.class));
        assertInstanceOf(Plan.Elements.class, plans.get(List.of().getClass()));
        assertInstanceOf(Plan.Refuse.class, plans.get(ArrayList.class));
        assertInstanceOf(Plan.Refuse.class, plans.get(int[].class));
        assertSame(plans.get(Order.class), plans.get(Order.class), "cached");
    }

    @Test
    void theErrorNamesThePathToTheMutablePart()
    {
        assertEquals("message not deeply immutable: Order.lines -> java.util.ArrayList (mutable collection)",
            rejected(new Order("o1", new ArrayList<>(List.of("a")))));
        assertEquals("message not deeply immutable: java.util.ArrayList (mutable collection)", rejected(new ArrayList<>()));
        assertEquals("message not deeply immutable: Holder2.order.lines[1] -> java.lang.StringBuilder (a JDK class not known to be immutable)",
            rejected(new Holder2(new Order2("o", List.of("a", new StringBuilder())))));
        assertEquals("message not deeply immutable: int[] (arrays are mutable)", rejected(new int[1]));
        assertEquals("message not deeply immutable: ListN[1] -> int[] (arrays are mutable)",
            rejected(List.of("ok", new int[0], new StringBuilder())), "the first offender is named");
        assertEquals("message not deeply immutable: Pong.ping.pong.any -> java.util.ArrayList (mutable collection)",
            rejected(new Pong(new Ping(new Pong(null, new ArrayList<>())), new ArrayList<>())), "depth first, first field first");
        assertEquals("message not deeply immutable: Data.data -> int[] (arrays are mutable)", rejected(new Data(new int[1])));
        assertEquals("message not deeply immutable: Counter.count (a non-final field of " + Counter.class.getName() + ")",
            rejected(new Counter()));
        assertEquals("message not deeply immutable: Holder.value.count (a non-final field of " + Counter.class.getName() + ")",
            rejected(new Holder(new Counter())));
        assertEquals("message not deeply immutable: Derived.extra -> java.util.HashMap (mutable collection)",
            rejected(new Derived("d", new HashMap<>())));
        assertTrue(rejected(new Holder(Map.of("k", List.of(new StringBuilder()))))
            .startsWith("message not deeply immutable: Holder.value[\"k\"][0] -> java.lang.StringBuilder"));
        final String key = rejected(Map.of(new StringBuilder(), 1));
        assertTrue(key.contains(".keys[0] -> java.lang.StringBuilder"), key);
        assertEquals("message not deeply immutable: Holder.value.get() -> java.util.ArrayList (mutable collection)",
            rejected(new Holder(Optional.of(new ArrayList<>()))));
        assertEquals("message not deeply immutable: Holder.value.value -> java.util.ArrayList (mutable collection)",
            rejected(new Holder(Map.entry("k", new ArrayList<>()))));
        final String ajar = rejected(new Door(new Ajar()
        {
            int n;
        }));
        assertTrue(ajar.startsWith("message not deeply immutable: Door.state.n (a non-final field of "), ajar);
        assertTrue(rejected(new MyList()).contains("modCount (a non-final field of java.util.AbstractList)"), rejected(new MyList()));
        assertTrue(rejected(new IllegalStateException("x")).contains("exceptions are mutable"));
    }

    record Order2(String id, List<Object> lines)
    {
    }

    record Holder2(Order2 order)
    {
    }

    @Test
    void viewsAndWriteThroughListsAreRefusedButTheJdksImmutableCollectionsPass()
    {
        assertTrue(rejected(Collections.unmodifiableList(new ArrayList<>())).contains("an unmodifiable view"));
        assertTrue(rejected(Collections.unmodifiableMap(Map.of())).contains("an unmodifiable view"));
        assertTrue(rejected(Arrays.asList("a")).contains("Arrays.asList writes through"));
        assertTrue(rejected(Collections.synchronizedList(new ArrayList<>())).contains("mutable collection"));
        assertTrue(rejected(new CopyOnWriteArrayList<>()).contains("mutable collection"));
        final List<Object> ok = List.of(List.of(), List.of(1), List.of(1, 2, 3), List.copyOf(new ArrayList<>(List.of(1, 2, 3, 4))),
            List.of(1, 2, 3).subList(1, 2), Stream.of("a", "b").toList(), Stream.of().toList(), Set.of(), Set.of("a"),
            Set.copyOf(List.of(1, 2, 3)), Map.of(), Map.of("a", 1), Map.copyOf(Map.of("a", 1, "b", 2)), Map.entry("k", "v"),
            new AbstractMap.SimpleImmutableEntry<>("k", 1), Collections.emptyList(), Collections.singletonList("x"),
            Collections.nCopies(3, "x"), Collections.emptyMap(), Collections.singletonMap("k", "v"), Collections.singleton(1),
            Optional.of(List.of(Map.of("k", new Point(1, 2)))));
        for (final Object m : ok)
        {
            assertDoesNotThrow(() -> REJECT.check(m), m.getClass().getName());
        }
        final List<String> withNulls = Stream.of("a", null).toList(); // Stream.toList allows nulls
        assertDoesNotThrow(() -> REJECT.check(withNulls));
    }

    @Test
    void cyclesOfObjectsAndLongChainsEnd()
    {
        assertDoesNotThrow(() -> REJECT.check(new Loop(new Loop("x"))));
        assertDoesNotThrow(() -> REJECT.check(new Loop(List.of(new Loop(1), new Loop(2)))));
        // 200,000 links, each its own object: no recursion, so no stack overflow
        Object chain = "end";
        for (int i = 0; i < 200_000; i++)
        {
            chain = new Holder(chain);
        }
        final Object longChain = chain;
        assertDoesNotThrow(() -> REJECT.check(longChain));
        assertTrue(rejected(new Holder(new Holder(new Holder(new int[0])))).contains("Holder.value.value.value -> int[]"));
        // a shared immutable sub-tree referenced many times is opened once
        final Holder shared = new Holder(List.of(1, 2, 3));
        final List<Object> many = Collections.nCopies(100_000, shared);
        assertDoesNotThrow(() -> REJECT.check(new Holder(List.copyOf(many))));
    }

    @Test
    void aMessageTooLargeToCheckIsRefusedSaying()
    {
        final Object[] big = new Object[MessageChecker.MAX_OBJECTS + 1];
        for (int i = 0; i < big.length; i++)
        {
            big[i] = new Holder(i); // distinct objects
        }
        final String text = rejected(new Holder(List.of(big)));
        assertTrue(text.startsWith("message too large to check for immutability: more than " + MessageChecker.MAX_OBJECTS), text);
    }

    @Test
    void lambdasAreJudgedByWhatTheyCapture()
    {
        final List<String> shared = new ArrayList<>();
        final Runnable capturesList = () -> shared.add("x");
        final String s = "text";
        final Runnable capturesString = () -> s.length();
        final Runnable capturesNothing = () -> { };
        assertTrue(rejected(capturesList).contains("-> java.util.ArrayList (mutable collection)"), rejected(capturesList));
        assertDoesNotThrow(() -> REJECT.check(capturesString));
        assertDoesNotThrow(() -> REJECT.check(capturesNothing));
    }

    @Test
    void trustedClassesAndTheirSubclassesAreNotLookedInto()
    {
        assertTrue(rejected(new ImmutableButCached("x")).contains("ImmutableButCached.hash (a non-final field"));
        final MessageChecker trusting = MessageChecker.of(MessageCheck.REJECT, List.of(ImmutableButCached.class, Base.class));
        assertDoesNotThrow(() -> trusting.check(new ImmutableButCached("x")));
        assertDoesNotThrow(() -> trusting.check(new Holder(List.of(new ImmutableButCached("y")))));
        assertDoesNotThrow(() -> trusting.check(new Derived("d", new ArrayList<>())), "a subclass of a trusted class");
        assertThrows(IllegalArgumentException.class, () -> trusting.check(new ArrayList<>()));
        // a trusted declared type settles a field
        assertSame(Plan.IMMUTABLE, new ClassPlans(List.of(ImmutableButCached.class)).get(CacheHolder.class));
    }

    record CacheHolder(ImmutableButCached c)
    {
    }

    @Test
    void exemptMessagesAreTakenAsTheyAre()
    {
        assertDoesNotThrow(() -> REJECT.check(new Carrier()));
        assertDoesNotThrow(() -> REJECT.check(new Holder(new Carrier())));
    }

    @Test
    void warnLogsOncePerMessageClassAndOffenderAndDelivers()
    {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        final Handler h = new Handler()
        {
            @Override
            public void publish(final LogRecord r)
            {
                records.add(r);
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        final Logger logger = Logger.getLogger("dev.spindle.messages");
        logger.addHandler(h);
        try
        {
            final MessageChecker warn = MessageChecker.of(MessageCheck.WARN, List.of());
            for (int i = 0; i < 10; i++)
            {
                warn.check(new Order("o" + i, new ArrayList<>()));
            }
            warn.check(new Data(new int[2]));
            assertEquals(2, records.size(), records.toString());
            assertTrue(records.get(0).getMessage().contains("Order.lines -> java.util.ArrayList (mutable collection)"),
                records.get(0).getMessage());
            assertEquals(java.util.logging.Level.WARNING, records.get(0).getLevel());
        }
        finally
        {
            logger.removeHandler(h);
        }
    }
}
