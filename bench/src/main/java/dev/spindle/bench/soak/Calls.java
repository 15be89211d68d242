package dev.spindle.bench.soak;

import dev.spindle.CallFailedException;
import dev.spindle.CallTimeoutException;
import dev.spindle.GenServer;
import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.Proc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.spindle.bench.soak.Tally.Count.*;

/**
 * GenServer calls and casts with timeouts. Servers are supervisor children found by name (a
 * one_for_one group and a one_for_all group); they crash at random and the monkey kills them.
 *
 * <p>A client sends numbered requests to a server incarnation (one {@link SeqLog} per pair) by
 * call or cast. A server processes in mailbox order, so when a call is answered every earlier
 * request of that client to that server must have been processed: a reply vouches for all that
 * came before it. A failed call ({@link CallFailedException}, learned from the server's Down)
 * explains whatever that server never processed. A timed-out call explains nothing by itself: at
 * the end of the round the client makes a barrier call to every server it still has unverified
 * requests with, which either answers (so they must all be processed) or fails (the server died).
 */
final class Calls
{
    /** A server crashes (exits "crash") before processing about one request in this many. */
    static final int CRASH_ONE_IN = 500;
    static final Duration LONG_TIMEOUT = Duration.ofSeconds(5);
    static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(20);

    /** A request: the client's number and its sequence number for this server. */
    record Req(int client, int seq, boolean barrier)
    {
    }

    private Calls()
    {
    }

    static String serverName(final int i)
    {
        return "soak.server." + i;
    }

    static String groupName(final int i)
    {
        return "soak.group." + i;
    }

    /** A server incarnation's state: its logs, per client. */
    private static final class State
    {
        final Pid self;
        final SplittableRandom rnd;
        final Map<Integer, SeqLog> logs = new HashMap<>();

        State(final Pid self, final SplittableRandom rnd)
        {
            this.self = self;
            this.rnd = rnd;
        }
    }

    /** A GenServer that records every request it processes and answers calls with the sequence number. */
    static ProcessBody server(final RoundContext ctx, final String name)
    {
        return GenServer.body(new GenServer<State>()
        {
            @Override
            public State init()
            {
                ctx.claim(name);
                return new State(Proc.self(), ctx.random(name, ctx.incarnation(name)));
            }

            @Override
            public Reply<State> handleCall(final Object request, final Pid from, final State s)
            {
                final Req r = (Req)request;
                if (!r.barrier())
                {
                    maybeCrash(s);
                }
                record(s, r);
                return new Reply<>(r.seq(), s);
            }

            @Override
            public State handleCast(final Object message, final State s)
            {
                maybeCrash(s);
                record(s, (Req)message);
                return s;
            }

            @Override
            public State handleInfo(final Object message, final State s)
            {
                ctx.fail(Failures.UNEXPECTED, "server " + name + " got " + message);
                return s;
            }

            private void maybeCrash(final State s)
            {
                if (s.rnd.nextInt(CRASH_ONE_IN) == 0)
                {
                    ctx.tally.add(CRASHES);
                    Proc.exit("crash");
                }
            }

            private void record(final State s, final Req r)
            {
                SeqLog log = s.logs.get(r.client());
                if (log == null)
                {
                    log = ctx.ledger.existingCall(r.client(), s.self);
                    if (log == null)
                    {
                        ctx.fail(Failures.UNEXPECTED, "server " + name + " " + s.self + " got request " + r.seq() + " from client " +
                            r.client() + ", which never sent to it");
                        return;
                    }
                    s.logs.put(r.client(), log);
                }
                log.done(r.seq());
            }
        });
    }

    /** A client: calls and casts random servers until the round stops, then verifies with barrier calls and reports. */
    static ProcessBody client(final RoundContext ctx, final int id, final int servers, final int group)
    {
        return () ->
        {
            final SplittableRandom rnd = ctx.random("client", id);
            final RoundContext.Watch watch = ctx.watch("client " + id);
            final List<SeqLog> used = new ArrayList<>();
            int seq = 0;
            while (!ctx.stopping)
            {
                final int k = rnd.nextInt(servers + group);
                final String name = k < servers ? serverName(k) : groupName(k - servers);
                final Pid pid = Proc.whereis(name);
                SeqLog log = pid == null ? null : ctx.ledger.existingCall(id, pid);
                if (pid == null || log != null && log.deadReason != null)
                {
                    ctx.tally.add(CALL_NO_SERVER); // being restarted
                    pause(ctx, rnd, watch);
                    continue;
                }
                if (log == null)
                {
                    log = ctx.ledger.call(id, pid);
                    used.add(log);
                }
                final Req req = new Req(id, ++seq, false);
                log.sent(req.seq());
                if (rnd.nextInt(4) == 0)
                {
                    GenServer.cast(pid, req);
                    ctx.tally.add(CASTS);
                    continue;
                }
                final Duration timeout = rnd.nextInt(10) == 0 ? Duration.ofNanos(rnd.nextLong(3_000_000)) : LONG_TIMEOUT;
                call(ctx, watch, log, req, timeout);
                // Late replies of timed-out calls (and nudges): nothing else is ever sent to a client.
                Object stale;
                while ((stale = Proc.receive(Duration.ZERO)) != null)
                {
                    if (!(stale instanceof RoundContext.Nudge))
                    {
                        ctx.tally.add(STALE_REPLIES);
                    }
                }
            }
            for (final SeqLog log : used)
            {
                if (log.deadReason == null && log.doneCount() != log.sentCount())
                {
                    final Req barrier = new Req(id, ++seq, true);
                    log.sent(barrier.seq());
                    ctx.tally.add(BARRIERS);
                    if (!call(ctx, watch, log, barrier, BARRIER_TIMEOUT))
                    {
                        if (log.deadReason == null)
                        {
                            ctx.fail(Failures.HANG, "client " + id + ": barrier call to live server " + log.receiver + " got no reply in " +
                                BARRIER_TIMEOUT.toSeconds() + " s");
                        }
                    }
                }
            }
            ctx.done("client " + id);
        };
    }

    /** @return whether the call was answered. */
    private static boolean call(final RoundContext ctx, final RoundContext.Watch watch, final SeqLog log, final Req req,
        final Duration timeout)
    {
        ctx.tally.add(CALLS);
        watch.begin("call " + log.receiver, timeout.toNanos());
        final long t0 = System.nanoTime();
        try
        {
            final Object reply = GenServer.call(log.receiver, req, timeout);
            if (!reply.equals(req.seq()))
            {
                ctx.fail(Failures.UNEXPECTED, "client " + req.client() + " asked " + log.receiver + " for " + req.seq() + " and got " + reply);
            }
            ctx.tally.add(CALL_OK);
            return true;
        }
        catch (final CallFailedException ex)
        {
            log.deadReason = ex.reason();
            ctx.tally.add(CALL_FAILED);
            if (log.lastDone() == req.seq())
            {
                // Processed, but the server died before its reply left: a kill may land between the two.
                ctx.tally.add(CALL_FAILED_AFTER_PROCESSING);
            }
            return false;
        }
        catch (final CallTimeoutException ex)
        {
            ctx.checkWaited("call to " + log.receiver, t0, timeout.toNanos());
            ctx.tally.add(CALL_TIMEOUT);
            return false;
        }
        finally
        {
            watch.end();
        }
    }

    private static void pause(final RoundContext ctx, final SplittableRandom rnd, final RoundContext.Watch watch)
    {
        final long nanos = 100_000 + rnd.nextLong(1_000_000);
        watch.begin("pause", nanos);
        final long t0 = System.nanoTime();
        final Object m = Proc.receive(Duration.ofNanos(nanos));
        watch.end();
        if (m == null)
        {
            ctx.checkWaited(watch.who + " pause", t0, nanos);
        }
        else if (!(m instanceof RoundContext.Nudge))
        {
            ctx.tally.add(STALE_REPLIES);
        }
    }
}
