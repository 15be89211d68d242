package dev.spindle.internal.distribution;

import dev.spindle.*;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The soak of docs/distribution.md, run on both nodes at once: supervised workers registered as
 * {@code w0..wN-1} answer calls, a killer kills a random worker every few milliseconds, and senders
 * call the other node's workers with every sequence number of their share until each is answered.
 * A call that fails (the worker was killed: {@code CallFailedException}; no answer in time) is
 * retried; a reply that is not the number asked is counted as wrong. Nothing may be lost
 * silently: every number ends answered.
 */
public final class Soak
{
    static final int WORKERS = 4;

    private Soak()
    {
    }

    /** Starts the supervised workers on this node (from any thread). */
    static Pid startWorkers(final Node node)
    {
        final Supervisor.ChildSpec[] specs = new Supervisor.ChildSpec[WORKERS];
        for (int i = 0; i < WORKERS; i++)
        {
            final String name = "w" + i;
            specs[i] = new Supervisor.ChildSpec(name, () ->
            {
                Proc.register(name);
                while (true)
                {
                    if (Proc.receive() instanceof Call c)
                    {
                        Proc.reply(c, c.request());
                    }
                }
            }, Supervisor.Restart.PERMANENT);
        }
        return node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 1_000_000, Duration.ofSeconds(1), specs));
    }

    /** Starts the killer: one random worker killed every {@code periodMillis} until it gets "stop". */
    static Pid startKiller(final Node node, final long periodMillis, final long[] kills)
    {
        return node.spawn(() ->
        {
            while (!"stop".equals(Proc.receive(Duration.ofMillis(periodMillis))))
            {
                final Pid w = Proc.whereis("w" + ThreadLocalRandom.current().nextInt(WORKERS));
                if (w != null)
                {
                    Proc.exit(w, Reason.KILL);
                    kills[0]++;
                }
            }
        });
    }

    /**
     * Runs the senders and waits for them (from a plain thread).
     *
     * @return "acked=N retries=R wrong=W".
     */
    static String send(final Node node, final String peer, final int total, final int senders) throws Exception
    {
        try (Inbox inbox = node.inbox())
        {
            for (int s = 0; s < senders; s++)
            {
                final int first = s;
                node.spawn(() ->
                {
                    long acked = 0;
                    long retries = 0;
                    long wrong = 0;
                    final Pid[] cache = new Pid[WORKERS];
                    for (int seq = first; seq < total; seq += senders)
                    {
                        final int w = seq % WORKERS;
                        while (true)
                        {
                            try
                            {
                                if (cache[w] == null)
                                {
                                    cache[w] = Proc.whereis(new RemoteName(peer, "w" + w));
                                    if (cache[w] == null)
                                    {
                                        retries++;
                                        Proc.receive(Duration.ofMillis(1)); // restarting: ask again soon
                                        continue;
                                    }
                                }
                                final Object r = Proc.call(cache[w], seq, Duration.ofSeconds(5));
                                if (!Integer.valueOf(seq).equals(r))
                                {
                                    wrong++;
                                }
                                acked++;
                                break;
                            }
                            catch (final CallFailedException | CallTimeoutException e)
                            {
                                retries++;
                                cache[w] = null;
                            }
                        }
                    }
                    Proc.send(inbox.pid(), new long[] {acked, retries, wrong});
                });
            }
            long acked = 0;
            long retries = 0;
            long wrong = 0;
            for (int s = 0; s < senders; s++)
            {
                final long[] r = (long[])inbox.receive(Duration.ofMinutes(5));
                if (r == null)
                {
                    return "senders did not finish";
                }
                acked += r[0];
                retries += r[1];
                wrong += r[2];
            }
            return "acked=" + acked + " retries=" + retries + " wrong=" + wrong;
        }
    }
}
