package dev.spindle.examples.orders;

import dev.spindle.GenServer;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.Supervisor;
import dev.spindle.TimerRef;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One instrument's limit order book, as a {@link GenServer}: price-time priority matching, orders
 * that expire by a timer ({@link Proc#sendAfter}), and a request that crashes it (a bug, on
 * purpose) so the supervisor has something to restart. Its state lives in the process: a
 * restarted book starts empty, as an OTP server would.
 */
public final class OrderBook implements GenServer<OrderBook.State>
{
    /** Buy or sell. */
    public enum Side { BUY, SELL }

    /**
     * A limit order.
     *
     * @param id         unique per client session.
     * @param side       buy or sell.
     * @param price      limit price, in ticks.
     * @param quantity   how many.
     * @param timeToLive how long the unfilled rest stays in the book; null: until filled.
     */
    public record Order(long id, Side side, long price, long quantity, Duration timeToLive)
    {
    }

    /**
     * Call: match the order, rest what is left. Reply: {@link Accepted}.
     *
     * @param order the order.
     */
    public record Submit(Order order)
    {
    }

    /**
     * One match, as the incoming order saw it.
     *
     * @param restingId the order it matched.
     * @param price     the resting order's price.
     * @param quantity  how many.
     */
    public record Fill(long restingId, long price, long quantity)
    {
    }

    /**
     * The reply to {@link Submit}.
     *
     * @param orderId the order.
     * @param fills   its matches, in order.
     * @param resting what is left in the book.
     * @param book    the server that answered: a restarted book is a new pid.
     */
    public record Accepted(long orderId, List<Fill> fills, long resting, Pid book)
    {
        /** @return quantity filled. */
        public long filled()
        {
            return fills.stream().mapToLong(Fill::quantity).sum();
        }
    }

    /** Call: the top of the book and counters. Reply: {@link View}. */
    public record Snapshot()
    {
    }

    /**
     * The reply to {@link Snapshot}.
     *
     * @param instrument the instrument.
     * @param book       the server's pid.
     * @param bestBid    highest bid price, or -1.
     * @param bidQty     quantity resting at it.
     * @param bestAsk    lowest ask price, or -1.
     * @param askQty     quantity resting at it.
     * @param resting    orders resting.
     * @param volume     quantity traded since this server started.
     * @param expired    orders that expired since it started.
     */
    public record View(String instrument, Pid book, long bestBid, long bidQty, long bestAsk, long askQty, int resting,
                       long volume, long expired)
    {
    }

    /**
     * Call: throw, ending the server (the supervisor restarts it).
     *
     * @param why put in the exception's message.
     */
    public record Crash(String why)
    {
    }

    /** The timer message that ends a resting order's life. */
    private record Expire(long orderId)
    {
    }

    /** An order in the book. */
    private static final class Resting
    {
        final Order order;
        long left;
        TimerRef expiry;

        Resting(final Order order, final long left)
        {
            this.order = order;
            this.left = left;
        }
    }

    /** The book's state: owned by its process, so no locks. */
    public static final class State
    {
        private final TreeMap<Long, ArrayDeque<Resting>> bids = new TreeMap<>(Comparator.reverseOrder());
        private final TreeMap<Long, ArrayDeque<Resting>> asks = new TreeMap<>();
        private final Map<Long, Resting> byId = new HashMap<>();
        private long volume;
        private long expired;
    }

    private final String instrument;

    /** @param instrument what this book trades. */
    public OrderBook(final String instrument)
    {
        this.instrument = instrument;
    }

    /**
     * @param instrument an instrument.
     * @return the name its book registers under.
     */
    public static String name(final String instrument)
    {
        return "book:" + instrument;
    }

    /**
     * A supervisor's child: the book registered under {@link #name(String)}, restarted whenever it
     * exits. The body registers the name first, so a restarted book takes it over (the old one
     * released it when it exited).
     *
     * @param instrument what it trades.
     * @return the child spec.
     */
    public static Supervisor.ChildSpec child(final String instrument)
    {
        return new Supervisor.ChildSpec(name(instrument), () ->
        {
            Proc.register(name(instrument));
            GenServer.body(new OrderBook(instrument)).run();
        }, Supervisor.Restart.PERMANENT);
    }

    @Override
    public State init()
    {
        return new State();
    }

    @Override
    public Reply<State> handleCall(final Object request, final Pid from, final State s)
    {
        return switch (request)
        {
            case Submit(Order o) -> new Reply<>(submit(o, s), s);
            case Snapshot() -> new Reply<>(view(s), s);
            case Crash(String why) -> throw new IllegalStateException("injected fault: " + why);
            default -> throw new IllegalArgumentException("unknown request " + request);
        };
    }

    @Override
    public State handleInfo(final Object message, final State s)
    {
        if (message instanceof Expire(long id))
        {
            final Resting r = s.byId.remove(id);
            if (r != null) // else it was filled first (and its timer cancelled, or already on its way)
            {
                remove(r, s);
                s.expired++;
            }
        }
        return s;
    }

    private Accepted submit(final Order o, final State s)
    {
        final boolean buy = o.side() == Side.BUY;
        final TreeMap<Long, ArrayDeque<Resting>> opposite = buy ? s.asks : s.bids;
        final List<Fill> fills = new ArrayList<>();
        long left = o.quantity();
        while (left > 0 && !opposite.isEmpty())
        {
            final long price = opposite.firstKey();
            if (buy ? price > o.price() : price < o.price())
            {
                break; // no longer crosses
            }
            final ArrayDeque<Resting> level = opposite.get(price);
            final Resting top = level.peekFirst();
            final long q = Math.min(left, top.left);
            fills.add(new Fill(top.order.id(), price, q));
            left -= q;
            top.left -= q;
            s.volume += q;
            if (top.left == 0)
            {
                level.pollFirst();
                if (level.isEmpty())
                {
                    opposite.remove(price);
                }
                s.byId.remove(top.order.id());
                if (top.expiry != null)
                {
                    Proc.cancelTimer(top.expiry);
                }
            }
        }
        if (left > 0)
        {
            final Resting r = new Resting(o, left);
            (buy ? s.bids : s.asks).computeIfAbsent(o.price(), p -> new ArrayDeque<>()).addLast(r);
            s.byId.put(o.id(), r);
            if (o.timeToLive() != null)
            {
                r.expiry = Proc.sendAfter(o.timeToLive(), Proc.self(), new Expire(o.id()));
            }
        }
        return new Accepted(o.id(), List.copyOf(fills), left, Proc.self());
    }

    private static void remove(final Resting r, final State s)
    {
        final TreeMap<Long, ArrayDeque<Resting>> side = r.order.side() == Side.BUY ? s.bids : s.asks;
        final ArrayDeque<Resting> level = side.get(r.order.price());
        level.remove(r);
        if (level.isEmpty())
        {
            side.remove(r.order.price());
        }
    }

    private View view(final State s)
    {
        final long bid = s.bids.isEmpty() ? -1 : s.bids.firstKey();
        final long ask = s.asks.isEmpty() ? -1 : s.asks.firstKey();
        return new View(instrument, Proc.self(), bid, bid < 0 ? 0 : total(s.bids.get(bid)), ask, ask < 0 ? 0 : total(s.asks.get(ask)),
            s.byId.size(), s.volume, s.expired);
    }

    private static long total(final ArrayDeque<Resting> level)
    {
        return level.stream().mapToLong(r -> r.left).sum();
    }
}
