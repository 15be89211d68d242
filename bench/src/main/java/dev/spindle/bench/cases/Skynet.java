package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Skynet: a tree with 10 children per node down to 1,000,000 leaves (1,111,111 actors); each leaf
 * answers its number, each node the sum of its children. Headline: milliseconds.
 */
public final class Skynet implements Case
{
    private record Start(Actors.Ref parent, long num, long size)
    {
    }

    /**
     * @param scale run sizes.
     * @return leaves of the tree (a power of 10).
     */
    public static long leaves(final Scale scale)
    {
        return scale.pick(1_000_000, 100_000);
    }

    @Override
    public String name()
    {
        return "skynet";
    }

    @Override
    public String description()
    {
        return "tree of 1,000,000 leaf processes (100,000 in --quick), 10 children per node, summing 0..999,999 (ms)";
    }

    @Override
    public String unit()
    {
        return "ms";
    }

    private Actors.Handler node(final Actors actors)
    {
        return new Actors.Handler()
        {
            Actors.Ref parent;
            long sum;
            int waiting;

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                if (msg instanceof Start start)
                {
                    if (start.size() == 1)
                    {
                        actors.tell(start.parent(), start.num());
                        return false;
                    }
                    parent = start.parent();
                    waiting = 10;
                    final long child = start.size() / 10;
                    for (int i = 0; i < 10; i++)
                    {
                        actors.tell(actors.spawn(node(actors), -1), new Start(self, start.num() + i * child, child));
                    }
                    return true;
                }
                sum += (Long)msg;
                if (--waiting == 0)
                {
                    actors.tell(parent, sum);
                    return false;
                }
                return true;
            }
        };
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final long leaves = leaves(scale);
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong answer = new AtomicLong();
        final Actors.Ref sink = actors.spawn((self, msg) ->
        {
            answer.set((Long)msg);
            done.countDown();
            return false;
        }, -1);
        final long t0 = System.nanoTime();
        actors.tell(actors.spawn(node(actors), -1), new Start(sink, 0, leaves));
        Waits.await(done, scale, "skynet");
        final long elapsed = System.nanoTime() - t0;
        final long expected = leaves * (leaves - 1) / 2;
        if (answer.get() != expected)
        {
            throw new IllegalStateException("skynet sum " + answer.get() + " != " + expected);
        }
        return Result.of(elapsed / 1e6);
    }
}
