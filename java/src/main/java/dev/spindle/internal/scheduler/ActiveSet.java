package dev.spindle.internal.scheduler;

import dev.spindle.internal.runqueue.RunQueueSet;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which schedulers may be given work: the one owner of the active count. Two inputs decide it,
 * under one lock and one rule: the schedulers online ({@code node.schedulersOnline(n)}) and, with
 * compaction on, the balancer's wish; active = max(1, min(online, wish)). Schedulers
 * {@code active..count-1} run nothing: they forward what reaches them and sleep. On top of that a
 * scheduler may be unusable for a while (the node's monitor saw it stuck in one long call) or for
 * good (its thread died); placement steers around both.
 */
final class ActiveSet
{
    private static final int STALLED = 1;
    private static final int DEAD = 2;

    private final int count;
    private final RunQueueSet queues;
    private final Runnable onChange;
    private final AtomicIntegerArray unusable;
    private int online;               // guarded by this
    private int wish;                 // guarded by this: compaction's target, count when off
    private volatile int active;

    /**
     * @param count    schedulers.
     * @param queues   the run queues (told which schedulers may steal and be stolen from).
     * @param onChange run after the active count changed (wakes every scheduler to re-check).
     */
    ActiveSet(final int count, final RunQueueSet queues, final Runnable onChange)
    {
        this.count = count;
        this.queues = queues;
        this.onChange = onChange;
        this.unusable = new AtomicIntegerArray(count);
        this.online = count;
        this.wish = count;
        this.active = count;
    }

    /** @return schedulers carrying work now (volatile read). */
    int active()
    {
        return active;
    }

    /** @return schedulers online (the user's setting). */
    synchronized int online()
    {
        return online;
    }

    /**
     * @param n 1..count.
     * @return the previous number online.
     */
    synchronized int setOnline(final int n)
    {
        final int old = online;
        online = n;
        wish = n; // compaction restarts from the new online count
        recompute();
        return old;
    }

    /** Compaction: @param want the number of schedulers the load needs */
    synchronized void setWish(final int want)
    {
        wish = want;
        recompute();
    }

    private void recompute()
    {
        final int a = Math.max(1, Math.min(online, wish));
        if (a != active)
        {
            active = a;
            queues.setOnline(a);
            onChange.run();
        }
    }

    /**
     * @param s scheduler
     * @return whether it is active and neither stuck nor dead
     */
    boolean usable(final int s)
    {
        return s < active && unusable.get(s) == 0;
    }

    /**
     * @param s scheduler
     * @return whether its thread died
     */
    boolean dead(final int s)
    {
        return (unusable.get(s) & DEAD) != 0;
    }

    /**
     * @param s scheduler
     * @return whether the monitor sees it stuck in one long call
     */
    boolean stalled(final int s)
    {
        return (unusable.get(s) & STALLED) != 0;
    }

    /** The node's monitor: @param s scheduler @param on whether it is stuck now */
    void setStalled(final int s, final boolean on)
    {
        for (;;)
        {
            final int v = unusable.get(s);
            final int n = on ? v | STALLED : v & ~STALLED;
            if (v == n || unusable.compareAndSet(s, v, n))
            {
                return;
            }
        }
    }

    /**
     * @param s a scheduler whose thread died: never given work again
     */
    void setDead(final int s)
    {
        unusable.getAndUpdate(s, v -> v | DEAD);
    }

    /**
     * Where a process bound to {@code target} runs: there, unless it is offline (inactive) or dead;
     * a stall does not move bound processes (they wait for their scheduler, as binding promises).
     *
     * @param target the bound scheduler.
     * @return a scheduler index.
     */
    int placeBound(final int target)
    {
        if (target < active && (unusable.get(target) & DEAD) == 0)
        {
            return target;
        }
        return place(target);
    }

    /**
     * Where work meant for {@code target} goes: itself when usable, else the next usable active
     * scheduler after {@code target % active} (a bound process runs there until its own is back).
     *
     * @param target a scheduler index.
     * @return a scheduler index (target % active when nobody is usable).
     */
    int place(final int target)
    {
        final int a = active;
        if (target < a && unusable.get(target) == 0)
        {
            return target;
        }
        final int base = target % a;
        for (int i = 0; i < a; i++)
        {
            final int s = (base + i) % a;
            if (unusable.get(s) == 0)
            {
                return s;
            }
        }
        for (int i = 0; i < a; i++)
        {
            final int s = (base + i) % a;
            if ((unusable.get(s) & DEAD) == 0)
            {
                return s; // all stuck: the first live one, which will get to it eventually
            }
        }
        return base;
    }

    /** @return scheduler count. */
    int count()
    {
        return count;
    }
}
