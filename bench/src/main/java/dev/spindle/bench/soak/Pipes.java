package dev.spindle.bench.soak;

import dev.spindle.Down;
import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.Proc;
import dev.spindle.Ref;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.spindle.bench.soak.Tally.Count.*;

/**
 * Producers and consumers over plain sends, with credit-based flow control.
 *
 * <p>A producer finds consumers by their registered names, monitors each incarnation, and sends
 * it {@link Msg}s numbered per producer, at most {@link #WINDOW} unacknowledged. A consumer (a
 * supervisor child, killed and crashed at random) records each message in the pair's
 * {@link SeqLog} and acknowledges it. The producer checks that acks come in send order, and on a
 * consumer's Down that the Down did not overtake an ack the consumer sent before dying (at most
 * the last message it recorded may lack an ack: it may have died between the two). Messages the
 * consumer never processed count as explained by that Down. Now and then a producer retires a
 * fully acknowledged consumer with {@code demonitor(ref, true)}: no Down for it may arrive after.
 */
final class Pipes
{
    /** Unacknowledged messages per producer-consumer pair. */
    static final int WINDOW = 16;
    /** A consumer crashes (exits "crash") before processing about one message in this many. */
    static final int CRASH_ONE_IN = 3000;
    private static final long DRAIN_NANOS = 30_000_000_000L;

    /** A producer's message: who sent it (producer number and pid) and its sequence number. */
    record Msg(int producer, int seq, Pid from)
    {
    }

    /** A consumer's acknowledgement of {@code seq}. */
    record Ack(Pid consumer, int seq)
    {
    }

    private Pipes()
    {
    }

    static String consumerName(final int i)
    {
        return "soak.consumer." + i;
    }

    /** A consumer: registers its name, records and acknowledges every message, crashes now and then. */
    static ProcessBody consumer(final RoundContext ctx, final int index)
    {
        return () ->
        {
            final String name = consumerName(index);
            ctx.claim(name);
            final Pid self = Proc.self();
            final SplittableRandom rnd = ctx.random(name, ctx.incarnation(name));
            final String inject = ctx.options.inject;
            final Map<Integer, SeqLog> logs = new HashMap<>();
            final Map<SeqLog, Integer> held = new HashMap<>(); // --inject reorder
            for (;;)
            {
                final Object m = Proc.receive();
                if (!(m instanceof Msg msg))
                {
                    ctx.fail(Failures.UNEXPECTED, "consumer " + self + " got " + m);
                    continue;
                }
                if (rnd.nextInt(CRASH_ONE_IN) == 0)
                {
                    ctx.tally.add(CRASHES);
                    Proc.exit("crash"); // the message is taken but not processed: its producer's Down explains it
                }
                SeqLog log = logs.get(msg.producer());
                if (log == null)
                {
                    log = ctx.ledger.existingPipe(msg.producer(), self);
                    if (log == null)
                    {
                        ctx.fail(Failures.UNEXPECTED, "consumer " + self + " got message " + msg.seq() + " from producer " +
                            msg.producer() + ", which never sent to it");
                        continue;
                    }
                    logs.put(msg.producer(), log);
                }
                if (inject != null && msg.seq() % 997 == 0)
                {
                    switch (inject)
                    {
                        case "drop" ->
                        {
                            Proc.send(msg.from(), new Ack(self, msg.seq())); // acknowledged, never processed
                            continue;
                        }
                        case "duplicate" -> log.done(msg.seq());
                        case "reorder" ->
                        {
                            held.put(log, msg.seq()); // processed after the next one
                            Proc.send(msg.from(), new Ack(self, msg.seq()));
                            continue;
                        }
                        default ->
                        {
                        }
                    }
                }
                log.done(msg.seq());
                final Integer late = held.remove(log);
                if (late != null)
                {
                    log.done(late);
                }
                Proc.send(msg.from(), new Ack(self, msg.seq()));
            }
        };
    }

    /** A producer's view of one consumer incarnation. */
    private static final class Feed
    {
        final int slot;
        final Pid pid;
        final Ref ref;
        final SeqLog log;
        final long sinceNs = System.nanoTime();

        Feed(final int slot, final Pid pid, final Ref ref, final SeqLog log)
        {
            this.slot = slot;
            this.pid = pid;
            this.ref = ref;
            this.log = log;
        }

        int outstanding()
        {
            return log.sentCount() - log.acked;
        }
    }

    /** A producer: runs until the round stops, then waits for every ack or Down and reports. */
    static ProcessBody producer(final RoundContext ctx, final int id, final int consumers)
    {
        return () -> new Producer(ctx, id, consumers).run();
    }

    private static final class Producer
    {
        private final RoundContext ctx;
        private final int id;
        private final SplittableRandom rnd;
        private final Feed[] slots;
        private final Map<Ref, Feed> byRef = new HashMap<>();
        private final Map<Pid, Feed> byPid = new HashMap<>();
        private final Set<Pid> dead = new HashSet<>();
        private final Set<Ref> retired = new HashSet<>();
        private final RoundContext.Watch watch;
        private Pid self;
        private int seq;

        Producer(final RoundContext ctx, final int id, final int consumers)
        {
            this.ctx = ctx;
            this.id = id;
            this.watch = ctx.watch("producer " + id);
            this.rnd = ctx.random("producer", id);
            this.slots = new Feed[consumers];
        }

        void run()
        {
            self = Proc.self();
            while (!ctx.stopping)
            {
                final int i = rnd.nextInt(slots.length);
                Feed f = slots[i];
                if (f == null)
                {
                    f = attach(i);
                }
                if (f != null && f.outstanding() < WINDOW)
                {
                    final int s = ++seq;
                    f.log.sent(s);
                    Proc.send(f.pid, new Msg(id, s, self));
                    ctx.tally.add(PIPE_SENT);
                    if (f.outstanding() == 0 && rnd.nextInt(64) == 0)
                    {
                        retire(f);
                    }
                    handle(Duration.ZERO);
                }
                else
                {
                    handle(Duration.ofNanos(rnd.nextLong(2_000_000)));
                }
            }
            drain();
            ctx.done("producer " + id);
        }

        /** Finds slot i's consumer by name and monitors it; null while it is being restarted. */
        private Feed attach(final int i)
        {
            final Pid pid = Proc.whereis(consumerName(i));
            if (pid == null || dead.contains(pid))
            {
                return null;
            }
            final SeqLog log = ctx.ledger.pipe(id, pid);
            final Ref ref = Proc.monitor(pid);
            final Feed f = new Feed(i, pid, ref, log);
            slots[i] = f;
            byRef.put(ref, f);
            byPid.put(pid, f);
            return f;
        }

        /** Stops using a consumer whose messages are all acknowledged; its Down must never come. */
        private void retire(final Feed f)
        {
            Proc.demonitor(f.ref, true);
            retired.add(f.ref);
            byRef.remove(f.ref);
            byPid.remove(f.pid);
            slots[f.slot] = null;
            ctx.tally.add(PIPE_RETIRED);
        }

        /** Takes one message if one comes within the timeout. */
        private void handle(final Duration timeout)
        {
            watch.begin("receive", timeout.toNanos());
            final long t0 = System.nanoTime();
            final Object m = Proc.receive(timeout);
            watch.end();
            if (m == null)
            {
                if (!timeout.isZero())
                {
                    ctx.checkWaited("producer " + id + " receive", t0, timeout.toNanos());
                }
                return;
            }
            if (m instanceof Ack ack)
            {
                onAck(ack);
            }
            else if (m instanceof Down d)
            {
                onDown(d);
            }
            else if (!(m instanceof RoundContext.Nudge))
            {
                ctx.fail(Failures.UNEXPECTED, "producer " + id + " got " + m);
            }
        }

        private void onAck(final Ack ack)
        {
            ctx.tally.add(PIPE_ACKS);
            final Feed f = byPid.get(ack.consumer());
            if (f == null)
            {
                ctx.fail(dead.contains(ack.consumer()) ? Failures.DOWN_ORDER : Failures.UNEXPECTED, "producer " + id + " got ack " +
                    ack.seq() + " from " + ack.consumer() + (dead.contains(ack.consumer()) ? " after that consumer's Down" :
                    ", which it was not feeding"));
                return;
            }
            final SeqLog log = f.log;
            if (log.acked >= log.sentCount() || log.sentAt(log.acked) != ack.seq())
            {
                ctx.fail(Failures.ORDER, "producer " + id + " got ack " + ack.seq() + " from " + f.pid + " but expected " +
                    (log.acked < log.sentCount() ? Integer.toString(log.sentAt(log.acked)) : "none"));
            }
            log.acked++;
        }

        private void onDown(final Down d)
        {
            final Feed f = byRef.remove(d.ref());
            if (f == null)
            {
                ctx.fail(retired.contains(d.ref()) ? Failures.DOWN_ORDER : Failures.UNEXPECTED, "producer " + id + " got " + d +
                    (retired.contains(d.ref()) ? " after demonitor(ref, true)" : " for no monitor of its own"));
                return;
            }
            ctx.tally.add(PIPE_DOWNS);
            byPid.remove(f.pid);
            dead.add(f.pid);
            if (slots[f.slot] == f)
            {
                slots[f.slot] = null;
            }
            f.log.deadReason = d.reason();
            // The consumer is dead, so what it recorded is final. Each record is followed by an ack;
            // all but the last must be in our mailbox before the Down.
            final int unacked = f.log.doneCount() - f.log.acked;
            if (unacked > 1)
            {
                ctx.fail(Failures.DOWN_ORDER, "producer " + id + ": Down of " + f.pid + " (" + d.reason() + ") arrived before " +
                    unacked + " acks the consumer sent before it died (it processed " + f.log.doneCount() + ", " + f.log.acked +
                    " acks arrived)");
            }
        }

        /** After the round: waits until every message is acknowledged or its consumer's Down came. */
        private void drain()
        {
            final long deadline = System.nanoTime() + DRAIN_NANOS;
            for (;;)
            {
                for (final Feed f : byPid.values().toArray(new Feed[0]))
                {
                    if (f.outstanding() == 0)
                    {
                        retire(f);
                    }
                }
                if (byPid.isEmpty())
                {
                    return;
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    for (final Feed f : byPid.values())
                    {
                        ctx.fail(Failures.HANG, "producer " + id + ": " + f.outstanding() + " messages to " + f.pid +
                            " neither acknowledged nor followed by a Down within " + DRAIN_NANOS / 1_000_000_000L + " s (first unacked " +
                            f.log.sentAt(f.log.acked) + ", " + f.log.doneCount() + " processed, " + f.log.acked + " acked); the consumer now: " +
                            ctx.node.info(f.pid) + "; its name now: " + Proc.whereis(consumerName(f.slot)) + "; monitor " + f.ref +
                            " made " + (System.nanoTime() - f.sinceNs) / 1_000_000 + " ms ago; the producer now: " + ctx.node.info(self));
                    }
                    return;
                }
                handle(Duration.ofNanos(Math.min(left, 100_000_000L)));
            }
        }
    }
}
