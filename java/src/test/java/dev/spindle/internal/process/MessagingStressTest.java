package dev.spindle.internal.process;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.*;

/** Stress tests that can fail: loss, duplication and per-sender order are all checked. */
class MessagingStressTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void hundredThousandProcessesEachAnswerOneMessage(final RunQueues kind) throws Exception
    {
        final int n = 100_000;
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid[] pids = new Pid[n];
            for (int i = 0; i < n; i++)
            {
                pids[i] = node.spawn(() ->
                {
                    final int[] req = (int[])Proc.receive();
                    Proc.send(inbox.pid(), new int[] {req[0]});
                });
            }
            for (int i = 0; i < n; i++)
            {
                node.send(pids[i], new int[] {i});
            }
            final BitSet seen = new BitSet(n);
            for (int i = 0; i < n; i++)
            {
                final int[] answer = (int[])inbox.receive(Duration.ofSeconds(30));
                assertNotNull(answer, "only " + i + " of " + n + " answers arrived");
                assertFalse(seen.get(answer[0]), "duplicate answer " + answer[0]);
                seen.set(answer[0]);
            }
            assertEquals(n, seen.cardinality());
            assertNull(inbox.receive(Duration.ofMillis(50)), "no extra messages");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void eightSendersKeepTheirOrderToOneReceiver(final RunQueues kind) throws Exception
    {
        final int senders = 8;
        final int perSender = 100_000;
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid receiver = node.spawn(() ->
            {
                final int[] next = new int[senders];
                long errors = 0;
                for (int i = 0; i < senders * perSender; i++)
                {
                    final long m = (Long)Proc.receive();
                    final int sender = (int)(m >>> 32);
                    final int seq = (int)m;
                    if (seq != next[sender])
                    {
                        errors++;
                    }
                    next[sender] = seq + 1;
                }
                Proc.send(inbox.pid(), errors);
                Proc.send(inbox.pid(), next);
            });
            for (int s = 0; s < senders; s++)
            {
                final long sender = s;
                node.spawn(() ->
                {
                    for (int i = 0; i < perSender; i++)
                    {
                        Proc.send(receiver, sender << 32 | i);
                    }
                });
            }
            assertEquals(0L, inbox.receive(Duration.ofSeconds(60)), "messages out of per-sender order");
            final int[] counts = (int[])inbox.receive(Duration.ofSeconds(5));
            for (int s = 0; s < senders; s++)
            {
                assertEquals(perSender, counts[s], "sender " + s);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void plainThreadsAndProcessesSendConcurrentlyWithoutLoss(final RunQueues kind) throws Exception
    {
        final int threads = 4;
        final int perThread = 50_000;
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid counter = node.spawn(() ->
            {
                final int[] next = new int[threads];
                boolean ordered = true;
                int received = 0;
                while (received < threads * perThread)
                {
                    // Mix blocking receives with polls, which must return null or a real message.
                    final int[] m = (int[])((received & 7) == 0 ? Proc.receive(Duration.ZERO) : Proc.receive());
                    if (m == null)
                    {
                        continue;
                    }
                    received++;
                    ordered &= m[1] == next[m[0]];
                    next[m[0]] = m[1] + 1;
                }
                Proc.send(inbox.pid(), ordered);
            });
            final Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                ts[t] = new Thread(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        node.send(counter, new int[] {id, i});
                    }
                });
                ts[t].start();
            }
            for (final Thread t : ts)
            {
                t.join();
            }
            final Object result = inbox.receive(Duration.ofSeconds(60));
            assertNotNull(result, "counter never finished: messages were lost");
            assertEquals(Boolean.TRUE, result, "per-thread order broken");
        }
    }
}
