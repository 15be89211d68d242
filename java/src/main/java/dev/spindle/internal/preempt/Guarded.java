package dev.spindle.internal.preempt;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * What instrumented code calls instead of two kinds of JDK methods that hold a lock owned by the
 * thread while it runs: a process must not give way then, because the lock stays with the carrier
 * thread and the next process on that carrier would pass it too.
 * <ul>
 *   <li>{@link Lock} acquire and release ({@code Lock}, {@code ReentrantLock}, the read and write
 *       locks of {@code ReentrantReadWriteLock} as static types): counted in
 *       {@link PreemptibleCarrier#unsafeDepth} like monitors, so the lock may be taken in one method
 *       and released in another.</li>
 *   <li>Calls that run the caller's function under the JDK's own monitor or lock
 *       ({@code ConcurrentHashMap.computeIfAbsent} locks a bin; {@code Hashtable}, {@code Vector},
 *       {@code Collections.synchronized*} and {@code ArrayBlockingQueue} lock themselves): the
 *       function runs unsafe when the receiver is one of those, and stays preemptible otherwise
 *       ({@code HashMap.computeIfAbsent}, {@code ArrayList.forEach}).</li>
 * </ul>
 * Each method behaves exactly as the call it replaces.
 */
public final class Guarded
{
    private Guarded()
    {
    }

    // Receivers that hold a thread-owned lock while they call back. Decided once per class.
    private static final ClassValue<Boolean> LOCKS_AROUND_CALLBACKS = new ClassValue<>()
    {
        @Override
        protected Boolean computeValue(final Class<?> type)
        {
            return ConcurrentHashMap.class.isAssignableFrom(type) || Hashtable.class.isAssignableFrom(type) ||
                Vector.class.isAssignableFrom(type) || ArrayBlockingQueue.class.isAssignableFrom(type) ||
                (type.getEnclosingClass() == Collections.class && type.getSimpleName().startsWith("Synchronized"));
        }
    };

    static boolean locksAroundCallbacks(final Object receiver)
    {
        return LOCKS_AROUND_CALLBACKS.get(receiver.getClass());
    }

    /**
     * @param lock the lock.
     * @see Lock#lock()
     */
    public static void lock(final Lock lock)
    {
        lock.lock();
        Preemption.enterUnsafe();
    }

    /**
     * @param lock the lock.
     * @throws InterruptedException as {@link Lock#lockInterruptibly()}.
     */
    public static void lockInterruptibly(final Lock lock) throws InterruptedException
    {
        lock.lockInterruptibly();
        Preemption.enterUnsafe();
    }

    /**
     * @param lock the lock.
     * @return whether it was acquired.
     */
    public static boolean tryLock(final Lock lock)
    {
        final boolean acquired = lock.tryLock();
        if (acquired)
        {
            Preemption.enterUnsafe();
        }
        return acquired;
    }

    /**
     * @param lock    the lock.
     * @param timeout as {@link Lock#tryLock(long, TimeUnit)}.
     * @param unit    as {@link Lock#tryLock(long, TimeUnit)}.
     * @return whether it was acquired.
     * @throws InterruptedException as {@link Lock#tryLock(long, TimeUnit)}.
     */
    public static boolean tryLock(final Lock lock, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final boolean acquired = lock.tryLock(timeout, unit);
        if (acquired)
        {
            Preemption.enterUnsafe();
        }
        return acquired;
    }

    /**
     * @param lock the lock.
     * @see Lock#unlock()
     */
    public static void unlock(final Lock lock)
    {
        lock.unlock();
        Preemption.exitUnsafe();
    }

    /**
     * @param map      receiver.
     * @param key      as {@link Map#computeIfAbsent}.
     * @param function as {@link Map#computeIfAbsent}.
     * @param <K>      key type.
     * @param <V>      value type.
     * @return as {@link Map#computeIfAbsent}.
     */
    public static <K, V> V computeIfAbsent(final Map<K, V> map, final K key, final Function<? super K, ? extends V> function)
    {
        if (!locksAroundCallbacks(map))
        {
            return map.computeIfAbsent(key, function);
        }
        Preemption.enterUnsafe();
        try
        {
            return map.computeIfAbsent(key, function);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param map      receiver.
     * @param key      as {@link Map#computeIfPresent}.
     * @param function as {@link Map#computeIfPresent}.
     * @param <K>      key type.
     * @param <V>      value type.
     * @return as {@link Map#computeIfPresent}.
     */
    public static <K, V> V computeIfPresent(final Map<K, V> map, final K key,
        final BiFunction<? super K, ? super V, ? extends V> function)
    {
        if (!locksAroundCallbacks(map))
        {
            return map.computeIfPresent(key, function);
        }
        Preemption.enterUnsafe();
        try
        {
            return map.computeIfPresent(key, function);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param map      receiver.
     * @param key      as {@link Map#compute}.
     * @param function as {@link Map#compute}.
     * @param <K>      key type.
     * @param <V>      value type.
     * @return as {@link Map#compute}.
     */
    public static <K, V> V compute(final Map<K, V> map, final K key, final BiFunction<? super K, ? super V, ? extends V> function)
    {
        if (!locksAroundCallbacks(map))
        {
            return map.compute(key, function);
        }
        Preemption.enterUnsafe();
        try
        {
            return map.compute(key, function);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param map      receiver.
     * @param key      as {@link Map#merge}.
     * @param value    as {@link Map#merge}.
     * @param function as {@link Map#merge}.
     * @param <K>      key type.
     * @param <V>      value type.
     * @return as {@link Map#merge}.
     */
    public static <K, V> V merge(final Map<K, V> map, final K key, final V value,
        final BiFunction<? super V, ? super V, ? extends V> function)
    {
        if (!locksAroundCallbacks(map))
        {
            return map.merge(key, value, function);
        }
        Preemption.enterUnsafe();
        try
        {
            return map.merge(key, value, function);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param map    receiver.
     * @param action as {@link Map#forEach}.
     * @param <K>    key type.
     * @param <V>    value type.
     */
    public static <K, V> void forEach(final Map<K, V> map, final BiConsumer<? super K, ? super V> action)
    {
        if (!locksAroundCallbacks(map))
        {
            map.forEach(action);
            return;
        }
        Preemption.enterUnsafe();
        try
        {
            map.forEach(action);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param map      receiver.
     * @param function as {@link Map#replaceAll}.
     * @param <K>      key type.
     * @param <V>      value type.
     */
    public static <K, V> void replaceAll(final Map<K, V> map, final BiFunction<? super K, ? super V, ? extends V> function)
    {
        if (!locksAroundCallbacks(map))
        {
            map.replaceAll(function);
            return;
        }
        Preemption.enterUnsafe();
        try
        {
            map.replaceAll(function);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param iterable receiver.
     * @param action   as {@link Iterable#forEach}.
     * @param <T>      element type.
     */
    public static <T> void forEach(final Iterable<T> iterable, final Consumer<? super T> action)
    {
        if (!locksAroundCallbacks(iterable))
        {
            iterable.forEach(action);
            return;
        }
        Preemption.enterUnsafe();
        try
        {
            iterable.forEach(action);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param collection receiver.
     * @param filter     as {@link Collection#removeIf}.
     * @param <T>        element type.
     * @return as {@link Collection#removeIf}.
     */
    public static <T> boolean removeIf(final Collection<T> collection, final Predicate<? super T> filter)
    {
        if (!locksAroundCallbacks(collection))
        {
            return collection.removeIf(filter);
        }
        Preemption.enterUnsafe();
        try
        {
            return collection.removeIf(filter);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param list     receiver.
     * @param operator as {@link List#replaceAll}.
     * @param <T>      element type.
     */
    public static <T> void replaceAll(final List<T> list, final UnaryOperator<T> operator)
    {
        if (!locksAroundCallbacks(list))
        {
            list.replaceAll(operator);
            return;
        }
        Preemption.enterUnsafe();
        try
        {
            list.replaceAll(operator);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }

    /**
     * @param list       receiver.
     * @param comparator as {@link List#sort}.
     * @param <T>        element type.
     */
    public static <T> void sort(final List<T> list, final Comparator<? super T> comparator)
    {
        if (!locksAroundCallbacks(list))
        {
            list.sort(comparator);
            return;
        }
        Preemption.enterUnsafe();
        try
        {
            list.sort(comparator);
        }
        finally
        {
            Preemption.exitUnsafe();
        }
    }
}
