package dev.spindle.bench.soak;

import dev.spindle.Pid;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every pair's {@link SeqLog} of one round: producer-consumer pipes and client-server calls (casts
 * included). A sender makes its pair's log before the first send, so a receiver always finds it.
 */
final class Ledger
{
    /** A pair: the receiver is one incarnation, so a restarted consumer or server starts a new log. */
    record Key(int sender, Pid receiver)
    {
    }

    private final Map<Key, SeqLog> pipes = new ConcurrentHashMap<>();
    private final Map<Key, SeqLog> calls = new ConcurrentHashMap<>();

    SeqLog pipe(final int producer, final Pid consumer)
    {
        return pipes.computeIfAbsent(new Key(producer, consumer), k -> new SeqLog(producer, consumer));
    }

    SeqLog existingPipe(final int producer, final Pid consumer)
    {
        return pipes.get(new Key(producer, consumer));
    }

    SeqLog call(final int client, final Pid server)
    {
        return calls.computeIfAbsent(new Key(client, server), k -> new SeqLog(client, server));
    }

    SeqLog existingCall(final int client, final Pid server)
    {
        return calls.get(new Key(client, server));
    }

    SeqLog.Verdict verifyPipes(final Failures failures)
    {
        return verify(pipes, "message", failures);
    }

    SeqLog.Verdict verifyCalls(final Failures failures)
    {
        return verify(calls, "request", failures);
    }

    private static SeqLog.Verdict verify(final Map<Key, SeqLog> logs, final String what, final Failures failures)
    {
        final SeqLog.Verdict total = new SeqLog.Verdict();
        for (final SeqLog log : logs.values())
        {
            total.add(log.verify(what, failures));
        }
        return total;
    }
}
