package dev.spindle.bench.soak;

import dev.spindle.Down;
import dev.spindle.Exit;
import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.Proc;
import dev.spindle.Reason;
import dev.spindle.Ref;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.spindle.bench.soak.Tally.Count.*;

/**
 * Links under kills. A coordinator that traps exits keeps a few chains alive: 3 to 5 processes,
 * each linked to the next, the first also linked to the coordinator, all monitored by it. The
 * monkey kills chain members; the exit signal must travel along the links and take the whole chain
 * down (every member's Down, abnormal, within {@link #PROPAGATION_NANOS}), and the coordinator
 * must get exactly one {@link Exit} from the first member. At the end of the round each member is
 * told to stop and exits normally, which its linked neighbours ignore.
 */
final class Chains
{
    static final int LIVE_CHAINS = 4;
    private static final long PROPAGATION_NANOS = 5_000_000_000L;
    private static final Duration ARM_TIMEOUT = Duration.ofSeconds(10);
    private static final String STOP = "stop";

    /** Tells a member whom to link to (null for the last). */
    record LinkTo(Pid next)
    {
    }

    /** A member linked to its successor. */
    record Armed(int chain, Pid member)
    {
    }

    private Chains()
    {
    }

    private static final class Chain
    {
        final int id;
        final Pid[] members;
        final Ref[] refs;
        final Object[] reasons;
        int downs;
        boolean exitFromHead;
        boolean stopping;
        long dyingSinceNs;
        boolean reported;

        Chain(final int id, final int size)
        {
            this.id = id;
            this.members = new Pid[size];
            this.refs = new Ref[size];
            this.reasons = new Object[size];
        }

        boolean over()
        {
            return downs == members.length && exitFromHead;
        }
    }

    static ProcessBody coordinator(final RoundContext ctx)
    {
        return () -> new Coordinator(ctx).run();
    }

    private static void member(final RoundContext ctx, final int chain, final Pid coordinator)
    {
        final LinkTo to = (LinkTo)Proc.receive(m -> m instanceof LinkTo);
        if (to.next() != null)
        {
            Proc.link(to.next());
        }
        Proc.send(coordinator, new Armed(chain, Proc.self()));
        for (;;)
        {
            final Object m = Proc.receive();
            if (STOP.equals(m))
            {
                return;
            }
            ctx.fail(Failures.UNEXPECTED, "chain member " + Proc.self() + " got " + m);
        }
    }

    private static final class Coordinator
    {
        private final RoundContext ctx;
        private final SplittableRandom rnd;
        private final Map<Ref, Chain> byRef = new HashMap<>();
        private final Map<Pid, Chain> byHead = new HashMap<>();
        private final List<Chain> live = new ArrayList<>();
        private final RoundContext.Watch watch;
        private int nextChain;

        Coordinator(final RoundContext ctx)
        {
            this.ctx = ctx;
            this.rnd = ctx.random("chains", 0);
            this.watch = ctx.watch("chains");
        }

        void run()
        {
            Proc.trapExit(true);
            while (!ctx.stopping)
            {
                while (live.size() < LIVE_CHAINS && !ctx.stopping)
                {
                    build();
                }
                handle(rnd.nextLong(5_000_000));
                checkPropagation();
            }
            for (final Chain c : live)
            {
                c.stopping = true;
                for (int i = 0; i < c.members.length; i++)
                {
                    if (c.reasons[i] == null)
                    {
                        Proc.send(c.members[i], STOP);
                    }
                }
            }
            final long deadline = System.nanoTime() + PROPAGATION_NANOS * 2;
            while (!live.isEmpty())
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    for (final Chain c : live)
                    {
                        ctx.fail(Failures.HANG, "chain " + c.id + ": " + (c.members.length - c.downs) + " members did not exit after stop" +
                            (c.exitFromHead ? "" : ", no Exit from its head"));
                    }
                    break;
                }
                handle(Math.min(left, 100_000_000L));
                checkPropagation();
            }
            ctx.done("chains");
        }

        private void build()
        {
            final int id = nextChain++;
            final Chain c = new Chain(id, 3 + rnd.nextInt(3));
            final Pid self = Proc.self();
            for (int i = 0; i < c.members.length; i++)
            {
                final ProcessBody body = () -> member(ctx, id, self);
                c.members[i] = i == 0 ? Proc.spawnLink(body) : Proc.spawn(body);
                c.refs[i] = Proc.monitor(c.members[i]);
                byRef.put(c.refs[i], c);
            }
            byHead.put(c.members[0], c);
            for (int i = 0; i < c.members.length; i++)
            {
                Proc.send(c.members[i], new LinkTo(i + 1 < c.members.length ? c.members[i + 1] : null));
            }
            for (int i = 0; i < c.members.length; i++)
            {
                watch.begin("waiting for chain " + id + " to arm", ARM_TIMEOUT.toNanos());
                final long t0 = System.nanoTime();
                final Object armed = Proc.receive(m -> m instanceof Armed a && a.chain() == id, ARM_TIMEOUT);
                watch.end();
                if (armed == null)
                {
                    ctx.checkWaited("chain arming", t0, ARM_TIMEOUT.toNanos());
                    ctx.fail(Failures.HANG, "chain " + id + ": only " + i + " of " + c.members.length + " members linked within " +
                        ARM_TIMEOUT.toSeconds() + " s");
                    break;
                }
            }
            live.add(c);
            for (final Pid p : c.members)
            {
                ctx.chainTargets.add(p);
            }
            ctx.tally.add(CHAINS);
        }

        private void handle(final long timeoutNs)
        {
            watch.begin("receive", timeoutNs);
            final long t0 = System.nanoTime();
            final Object m = Proc.receive(Duration.ofNanos(timeoutNs));
            watch.end();
            if (m == null)
            {
                if (timeoutNs > 0)
                {
                    ctx.checkWaited("chain coordinator receive", t0, timeoutNs);
                }
            }
            else if (m instanceof Down d)
            {
                onDown(d);
            }
            else if (m instanceof Exit e)
            {
                onExit(e);
            }
            else if (!(m instanceof RoundContext.Nudge))
            {
                ctx.fail(Failures.UNEXPECTED, "chain coordinator got " + m);
            }
        }

        private void onDown(final Down d)
        {
            final Chain c = byRef.remove(d.ref());
            if (c == null)
            {
                ctx.fail(Failures.UNEXPECTED, "chain coordinator got " + d + " for no monitor of its own");
                return;
            }
            final int i = indexOf(c.members, d.pid());
            c.reasons[i] = d.reason();
            c.downs++;
            ctx.tally.add(CHAIN_MEMBERS_DOWN);
            if (!c.stopping && d.reason() == Reason.NORMAL)
            {
                ctx.fail(Failures.LINK, "chain " + c.id + ": member " + d.pid() + " exited normally, unasked");
            }
            if (!c.stopping && c.dyingSinceNs == 0)
            {
                c.dyingSinceNs = System.nanoTime();
                ctx.tally.add(CHAINS_KILLED);
            }
            finish(c);
        }

        private void onExit(final Exit e)
        {
            final Chain c = byHead.get(e.from());
            if (c == null)
            {
                ctx.fail(Failures.UNEXPECTED, "chain coordinator got " + e + " from no chain's head");
                return;
            }
            if (c.exitFromHead)
            {
                ctx.fail(Failures.LINK, "chain " + c.id + ": a second Exit from its head " + e.from() + ": " + e.reason());
            }
            c.exitFromHead = true;
            final Object downReason = c.reasons[0];
            if (downReason != null && !downReason.equals(e.reason()))
            {
                ctx.fail(Failures.LINK, "chain " + c.id + ": head " + e.from() + " exited " + downReason + " but its link said " + e.reason());
            }
            finish(c);
        }

        private void finish(final Chain c)
        {
            if (c.over())
            {
                live.remove(c);
                byHead.remove(c.members[0]);
            }
        }

        /** A chain that started dying must be gone in time: the exit signal travels along every link. */
        private void checkPropagation()
        {
            final long now = System.nanoTime();
            for (final Chain c : live)
            {
                if (c.dyingSinceNs != 0 && !c.reported && now - c.dyingSinceNs > PROPAGATION_NANOS)
                {
                    c.reported = true;
                    final List<Pid> alive = new ArrayList<>();
                    for (int i = 0; i < c.members.length; i++)
                    {
                        if (c.reasons[i] == null)
                        {
                            alive.add(c.members[i]);
                        }
                    }
                    ctx.fail(Failures.LINK, "chain " + c.id + ": " + PROPAGATION_NANOS / 1_000_000_000L + " s after a member died, " +
                        alive + " still alive" + (c.exitFromHead ? "" : " and no Exit from the head") + "; reasons " +
                        java.util.Arrays.toString(c.reasons));
                    for (final Pid p : alive)
                    {
                        Proc.exit(p, Reason.KILL); // clean up so the round can end
                    }
                }
            }
        }

        private static int indexOf(final Pid[] a, final Pid p)
        {
            for (int i = 0; i < a.length; i++)
            {
                if (a[i].equals(p))
                {
                    return i;
                }
            }
            throw new IllegalStateException(p + " is not a member");
        }
    }
}
