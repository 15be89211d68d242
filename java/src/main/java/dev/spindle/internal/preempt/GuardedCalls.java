package dev.spindle.internal.preempt;

import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.MethodTypeDesc;
import java.util.Map;
import java.util.Set;

/**
 * Which calls the rewriter sends to a {@link Guarded} twin, by the call's static owner, name and
 * descriptor. The twin is static and takes the receiver first, so the operand stack is the same.
 * {@code invokespecial} ({@code super.lock()}) is never replaced.
 */
final class GuardedCalls
{
    /** The twin: a static method of {@link Guarded}. */
    record Replacement(String name, MethodTypeDesc type)
    {
    }

    private static final Set<String> LOCKS = Set.of(
        "java/util/concurrent/locks/Lock",
        "java/util/concurrent/locks/ReentrantLock",
        "java/util/concurrent/locks/ReentrantReadWriteLock$ReadLock",
        "java/util/concurrent/locks/ReentrantReadWriteLock$WriteLock");

    // Static types whose instances may be one of Guarded's lock-holding receivers. Concrete
    // unlocked types (HashMap, ArrayList, TreeMap, ...) are left out: their callbacks stay preemptible.
    private static final Set<String> MAPS = Set.of(
        "java/util/Map", "java/util/SortedMap", "java/util/NavigableMap", "java/util/SequencedMap", "java/util/AbstractMap",
        "java/util/Hashtable", "java/util/Properties",
        "java/util/concurrent/ConcurrentMap", "java/util/concurrent/ConcurrentNavigableMap",
        "java/util/concurrent/ConcurrentHashMap");
    private static final Set<String> COLLECTIONS = Set.of(
        "java/lang/Iterable", "java/util/Collection", "java/util/List", "java/util/Set", "java/util/SortedSet",
        "java/util/NavigableSet", "java/util/SequencedCollection", "java/util/SequencedSet", "java/util/Queue",
        "java/util/AbstractCollection", "java/util/AbstractList", "java/util/Vector", "java/util/Stack",
        "java/util/concurrent/BlockingQueue", "java/util/concurrent/ArrayBlockingQueue");
    private static final Set<String> LISTS = Set.of("java/util/List", "java/util/AbstractList", "java/util/Vector",
        "java/util/Stack");

    private static final String OBJ = "Ljava/lang/Object;";
    private static final String LOCK = "Ljava/util/concurrent/locks/Lock;";
    private static final String MAP = "Ljava/util/Map;";

    // name + original descriptor -> twin descriptor (receiver first)
    private static final Map<String, String> LOCK_CALLS = Map.of(
        "lock()V", "(" + LOCK + ")V",
        "lockInterruptibly()V", "(" + LOCK + ")V",
        "tryLock()Z", "(" + LOCK + ")Z",
        "tryLock(JLjava/util/concurrent/TimeUnit;)Z", "(" + LOCK + "JLjava/util/concurrent/TimeUnit;)Z",
        "unlock()V", "(" + LOCK + ")V");
    private static final Map<String, String> MAP_CALLS = Map.of(
        "computeIfAbsent(" + OBJ + "Ljava/util/function/Function;)" + OBJ,
        "(" + MAP + OBJ + "Ljava/util/function/Function;)" + OBJ,
        "computeIfPresent(" + OBJ + "Ljava/util/function/BiFunction;)" + OBJ,
        "(" + MAP + OBJ + "Ljava/util/function/BiFunction;)" + OBJ,
        "compute(" + OBJ + "Ljava/util/function/BiFunction;)" + OBJ,
        "(" + MAP + OBJ + "Ljava/util/function/BiFunction;)" + OBJ,
        "merge(" + OBJ + OBJ + "Ljava/util/function/BiFunction;)" + OBJ,
        "(" + MAP + OBJ + OBJ + "Ljava/util/function/BiFunction;)" + OBJ,
        "forEach(Ljava/util/function/BiConsumer;)V", "(" + MAP + "Ljava/util/function/BiConsumer;)V",
        "replaceAll(Ljava/util/function/BiFunction;)V", "(" + MAP + "Ljava/util/function/BiFunction;)V");

    private GuardedCalls()
    {
    }

    /**
     * @param invoke a call in a method being rewritten.
     * @return its {@link Guarded} twin, or null to keep the call.
     */
    static Replacement replacement(final InvokeInstruction invoke)
    {
        final Opcode op = invoke.opcode();
        if (op != Opcode.INVOKEINTERFACE && op != Opcode.INVOKEVIRTUAL)
        {
            return null;
        }
        final String owner = invoke.owner().asInternalName();
        if (!owner.startsWith("java/"))
        {
            return null;
        }
        final String name = invoke.name().stringValue();
        final String key = name + invoke.type().stringValue();
        String twin = null;
        if (LOCKS.contains(owner))
        {
            twin = LOCK_CALLS.get(key);
        }
        else if (MAPS.contains(owner))
        {
            twin = MAP_CALLS.get(key);
        }
        else if (COLLECTIONS.contains(owner))
        {
            twin = switch (key)
            {
                case "forEach(Ljava/util/function/Consumer;)V" -> "(Ljava/lang/Iterable;Ljava/util/function/Consumer;)V";
                case "removeIf(Ljava/util/function/Predicate;)Z" ->
                    owner.equals("java/lang/Iterable") ? null : "(Ljava/util/Collection;Ljava/util/function/Predicate;)Z";
                case "replaceAll(Ljava/util/function/UnaryOperator;)V" ->
                    LISTS.contains(owner) ? "(Ljava/util/List;Ljava/util/function/UnaryOperator;)V" : null;
                case "sort(Ljava/util/Comparator;)V" ->
                    LISTS.contains(owner) ? "(Ljava/util/List;Ljava/util/Comparator;)V" : null;
                default -> null;
            };
        }
        return twin == null ? null : new Replacement(name, MethodTypeDesc.ofDescriptor(twin));
    }
}
