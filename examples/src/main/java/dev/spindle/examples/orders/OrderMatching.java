package dev.spindle.examples.orders;

import dev.spindle.CallFailedException;
import dev.spindle.CallTimeoutException;
import dev.spindle.Down;
import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.Pid;
import dev.spindle.ProcessInfo;
import dev.spindle.Ref;
import dev.spindle.Supervisor;
import dev.spindle.examples.orders.OrderBook.Accepted;
import dev.spindle.examples.orders.OrderBook.Crash;
import dev.spindle.examples.orders.OrderBook.Fill;
import dev.spindle.examples.orders.OrderBook.Order;
import dev.spindle.examples.orders.OrderBook.Side;
import dev.spindle.examples.orders.OrderBook.Snapshot;
import dev.spindle.examples.orders.OrderBook.Submit;
import dev.spindle.examples.orders.OrderBook.View;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An order-matching service: a supervisor over one {@link OrderBook} server per instrument, each
 * registered by name; client threads (plain Java threads, as HTTP or Kafka threads would be) that
 * call the books by name with timeouts; a gateway thread that monitors the books and reports
 * restarts; a market-data poller that asks without blocking. Midway, one book crashes on a bad
 * request and its supervisor restarts it while the clients keep trading. Ends with the node's
 * scheduler counters and exits 0 only when every check passed.
 *
 * <p>Run it: {@code examples/run order-matching}.
 */
public final class OrderMatching
{
    static final List<String> INSTRUMENTS = List.of("ACME", "GLOBX", "INITECH");
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final int CLIENTS = 4;
    static final Duration TRADING = Duration.ofMillis(1200);
    static final long PRICE = 100; // the load phase trades at one price: every sell can meet every buy

    private final Node node;
    private final AtomicLong ids = new AtomicLong();
    private final List<String> failures = new ArrayList<>();
    private int checks;

    private OrderMatching(final Node node)
    {
        this.node = node;
    }

    /**
     * @param args none.
     * @throws Exception on an unexpected failure (a failed check exits with 1).
     */
    public static void main(final String[] args) throws Exception
    {
        final List<String> failed;
        try (Node node = Node.start())
        {
            failed = new OrderMatching(node).run();
        }
        System.exit(failed.isEmpty() ? 0 : 1);
    }

    private List<String> run() throws Exception
    {
        // The supervision tree: one permanent book per instrument, at most 3 restarts in 5 s.
        final Pid supervisor = node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5),
            INSTRUMENTS.stream().map(OrderBook::child).toArray(Supervisor.ChildSpec[]::new)));
        final AtomicReference<Down> supervisorDown = new AtomicReference<>();
        node.monitor(supervisor, supervisorDown::set); // a callback on a pool thread, if it ever exits
        for (final String instrument : INSTRUMENTS)
        {
            awaitBook(instrument, null);
        }
        System.out.println("order-matching: " + node.schedulers() + " schedulers, supervisor " + supervisor + ", books " +
            INSTRUMENTS.stream().map(i -> OrderBook.name(i) + "=" + node.whereis(OrderBook.name(i))).toList());

        final Gateway gateway = new Gateway();
        final Thread gatewayThread = Thread.ofPlatform().name("gateway").start(gateway);

        matching();
        expiry();
        final Map<String, View> before = snapshots();
        final Map<Pid, Tally> tallies = new ConcurrentHashMap<>();
        final AtomicBoolean trading = new AtomicBoolean(true);
        final List<Client> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++)
        {
            final Client client = new Client(tallies, trading);
            clients.add(client);
            client.thread = Thread.ofPlatform().name("client-" + c).start(client);
        }
        // Crash GLOBX once the clients trade on it, then trade on until its new process has
        // served them too (and at least TRADING long): no step depends on the machine's speed.
        final Pid oldGlobx = before.get("GLOBX").book();
        awaitTrades(tallies, oldGlobx);
        crash("GLOBX");
        final Pid newGlobx = awaitBook("GLOBX", oldGlobx);
        final long start = System.nanoTime();
        do
        {
            Thread.sleep(TRADING.toMillis() / 4);
            marketData();
        }
        while (System.nanoTime() - start < TRADING.toNanos());
        awaitTrades(tallies, newGlobx);
        trading.set(false);
        for (final Client c : clients)
        {
            c.thread.join();
        }
        verify(before, snapshots(), tallies, clients);

        gateway.stop();
        gatewayThread.join();
        check(gateway.restarts.get() == 1, "the gateway saw exactly one restart, saw " + gateway.restarts.get());
        check(supervisorDown.get() == null, "the supervisor is still up (down: " + supervisorDown.get() + ")");
        report();
        if (failures.isEmpty())
        {
            System.out.println("order-matching: all " + checks + " checks passed");
        }
        else
        {
            System.out.println("order-matching: " + failures.size() + " of " + checks + " checks FAILED:");
            failures.forEach(f -> System.out.println("  " + f));
        }
        return failures;
    }

    /** Price-time priority on one book, from this (plain) thread with node.call by name. */
    private void matching()
    {
        final String acme = OrderBook.name("ACME");
        final Accepted s1 = submit(acme, Side.SELL, 101, 100, null);
        final Accepted s2 = submit(acme, Side.SELL, 102, 50, null);
        final Accepted s3 = submit(acme, Side.SELL, 101, 30, null);
        final Accepted b1 = submit(acme, Side.BUY, 102, 150, null);
        check(s1.fills().isEmpty() && s1.resting() == 100, "the first sell rests whole: " + s1);
        // The buy takes the best price first, and at 101 the older order first.
        check(b1.fills().equals(List.of(new Fill(s1.orderId(), 101, 100), new Fill(s3.orderId(), 101, 30),
            new Fill(s2.orderId(), 102, 20))) && b1.resting() == 0, "buy 150 @ 102 fills 100 + 30 @ 101, then 20 @ 102: " + b1.fills());
        final View v = (View) node.call(acme, new Snapshot(), TIMEOUT);
        check(v.bestBid() == -1 && v.bestAsk() == 102 && v.askQty() == 30 && v.volume() == 150,
            "ACME after: no bids, 30 @ 102 asked, 150 traded: " + v);
        final Accepted b2 = submit(acme, Side.BUY, 105, 30, null); // clear the book for the load phase
        check(b2.filled() == 30 && b2.resting() == 0, "buy 30 @ 105 takes the rest at 102: " + b2.fills());
        System.out.println("matching: buy 150 @ 102 against sells 100 @ 101, 30 @ 101, 50 @ 102 -> " + b1.fills().size() +
            " fills, best price and oldest first");
    }

    /** Orders with a time to live: the book's timer removes them. */
    private void expiry() throws InterruptedException
    {
        final String acme = OrderBook.name("ACME");
        // One second to live: long enough that a GC or JIT pause between these round trips does not
        // expire the ask before the hit fills it, short enough to watch the bid go.
        final Accepted bid = submit(acme, Side.BUY, 90, 10, Duration.ofSeconds(1));
        final Accepted ask = submit(acme, Side.SELL, 110, 10, Duration.ofSeconds(1));
        final Accepted hit = submit(acme, Side.BUY, 110, 10, null); // fills the ask: its timer is cancelled
        View v = (View) node.call(acme, new Snapshot(), TIMEOUT);
        check(bid.resting() == 10 && ask.resting() == 10 && hit.filled() == 10 && v.bestBid() == 90 && v.expired() == 0,
            "a 1 s bid rests, a 1 s ask is filled before it expires: " + v);
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (v.expired() == 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            v = (View) node.call(acme, new Snapshot(), TIMEOUT);
        }
        check(v.expired() == 1 && v.bestBid() == -1 && v.resting() == 0, "the bid expired by its timer, nothing else: " + v);
        System.out.println("expiry: a 1 s order left the book by its timer (expired=" + v.expired() + ")");
    }

    /** A request that makes one book throw: the caller gets the exception as the exit reason. */
    private void crash(final String instrument)
    {
        try
        {
            node.call(OrderBook.name(instrument), new Crash("bad request"), TIMEOUT);
            check(false, "the crash request returned");
        }
        catch (final CallFailedException e)
        {
            check(e.reason() instanceof IllegalStateException, "the crash is the caller's CallFailedException: " + e.reason());
            System.out.println("crash: " + OrderBook.name(instrument) + " threw on a bad request: " + e.getMessage());
        }
    }

    /** One line of top-of-book from node.ask: futures, no thread blocked per request. */
    private void marketData()
    {
        final List<CompletableFuture<String>> views = INSTRUMENTS.stream()
            .map(i -> node.ask(OrderBook.name(i), new Snapshot(), TIMEOUT)
                .thenApply(r -> { final View v = (View) r; return i + " vol " + v.volume() + " " + v.book(); })
                .exceptionally(e -> i + " unavailable (" + e.getClass().getSimpleName() + ")"))
            .toList();
        CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).join();
        System.out.println("market: " + String.join(" | ", views.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * Every book that served the load phase: each accepted order was either filled or still rests.
     * At one price the book matches until a side is empty, so for each server (pid) that answered
     * sells S and buys B: traded = min(S, B) and resting = |S - B|, and the fills the clients were
     * told about add up to what the book traded.
     */
    private void verify(final Map<String, View> before, final Map<String, View> after, final Map<Pid, Tally> tallies,
                        final List<Client> clients)
    {
        long orders = 0, failed = 0, timeouts = 0;
        for (final Client c : clients)
        {
            orders += c.accepted;
            failed += c.failed;
            timeouts += c.timeouts;
        }
        check(timeouts == 0, "no call timed out: " + timeouts);
        check(orders > 0, "the clients traded: " + orders + " orders");
        for (final String i : INSTRUMENTS)
        {
            final View b = before.get(i), a = after.get(i);
            check(b.resting() == 0, i + " was empty before the load phase: " + b);
            final Tally t = tallies.getOrDefault(a.book(), new Tally());
            final long s = t.sold.sum(), bought = t.bought.sum(), filled = t.filled.sum();
            final long traded = a.volume() - (a.book().equals(b.book()) ? b.volume() : 0);
            final long resting = Math.max(a.bidQty(), a.askQty());
            check(traded == Math.min(s, bought) && resting == Math.abs(s - bought) && filled == traded,
                i + " " + a.book() + ": sold " + s + ", bought " + bought + " -> traded " + traded + " (clients were told " + filled +
                    "), resting " + resting);
            System.out.printf("book %-8s %s: sold %d, bought %d, traded %d, resting %d%s%n", i, a.book(), s, bought, traded, resting,
                a.book().equals(b.book()) ? "" : " (restarted; was " + b.book() + ")");
        }
        final Tally old = tallies.get(before.get("GLOBX").book()), fresh = tallies.get(after.get("GLOBX").book());
        check(!after.get("GLOBX").book().equals(before.get("GLOBX").book()), "GLOBX runs as a new process");
        check(old != null && old.sold.sum() + old.bought.sum() > 0 && fresh != null && fresh.sold.sum() + fresh.bought.sum() > 0,
            "the clients traded on GLOBX before and after its restart");
        System.out.println("clients: " + orders + " orders accepted, " + failed + " calls failed during the restart, " +
            timeouts + " timed out");
    }

    /** The node's own view at the end: scheduler counters and the busiest processes. */
    private void report()
    {
        for (final Node.SchedulerStats s : node.stats())
        {
            System.out.printf("scheduler %d: ran %d, stolen %d, migrated %d, switches %d, parks %d, idle %d ms%n", s.scheduler(),
                s.executed(), s.stolen(), s.migrations(), s.contextSwitches(), s.parks(), s.idleNanos() / 1_000_000);
        }
        for (final ProcessInfo p : node.topProcesses(ProcessInfo.Sort.REDUCTIONS, 3))
        {
            System.out.println("busiest: " + p.pid() + " " + (p.registeredName() == null ? "" : p.registeredName() + " ") +
                p.reductions() + " reductions");
        }
        System.out.println("processes alive: " + node.processCount() + ", timers pending: " + node.pendingTimers());
    }

    private Accepted submit(final String book, final Side side, final long price, final long qty, final Duration ttl)
    {
        return (Accepted) node.call(book, new Submit(new Order(ids.incrementAndGet(), side, price, qty, ttl)), TIMEOUT);
    }

    private Map<String, View> snapshots()
    {
        final Map<String, View> out = new HashMap<>();
        for (final String i : INSTRUMENTS)
        {
            out.put(i, (View) node.call(OrderBook.name(i), new Snapshot(), TIMEOUT));
        }
        return out;
    }

    /** Waits until the clients have had an order accepted by {@code book}; false after {@link #TIMEOUT}. */
    private static boolean awaitTrades(final Map<Pid, Tally> tallies, final Pid book)
    {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!tallies.containsKey(book) && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(1_000_000);
        }
        return tallies.containsKey(book);
    }

    /** Waits until the instrument's book is registered by a process other than {@code not}. */
    private Pid awaitBook(final String instrument, final Pid not)
    {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (;;)
        {
            final Pid p = node.whereis(OrderBook.name(instrument));
            if (p != null && !p.equals(not))
            {
                return p;
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException(OrderBook.name(instrument) + " was not (re)started within " + TIMEOUT);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private void check(final boolean ok, final String what)
    {
        checks++;
        if (!ok)
        {
            failures.add(what);
            System.out.println("CHECK FAILED: " + what);
        }
    }

    /** What the clients were told by one book server (one pid). */
    static final class Tally
    {
        final LongAdder sold = new LongAdder();
        final LongAdder bought = new LongAdder();
        final LongAdder filled = new LongAdder();
    }

    /**
     * A client: a plain thread sending sell-then-buy pairs of one size to random books by name,
     * going on through failed calls while a book restarts.
     */
    private final class Client implements Runnable
    {
        final Map<Pid, Tally> tallies;
        final AtomicBoolean trading;
        Thread thread;
        long accepted, failed, timeouts;

        Client(final Map<Pid, Tally> tallies, final AtomicBoolean trading)
        {
            this.tallies = tallies;
            this.trading = trading;
        }

        @Override
        public void run()
        {
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            while (trading.get())
            {
                final String book = OrderBook.name(INSTRUMENTS.get(random.nextInt(INSTRUMENTS.size())));
                final long qty = 1 + random.nextInt(100);
                send(book, Side.SELL, qty);
                send(book, Side.BUY, qty);
            }
        }

        private void send(final String book, final Side side, final long qty)
        {
            try
            {
                final Accepted a = submit(book, side, PRICE, qty, null);
                final Tally t = tallies.computeIfAbsent(a.book(), p -> new Tally());
                (side == Side.SELL ? t.sold : t.bought).add(qty);
                t.filled.add(a.filled());
                accepted++;
            }
            catch (final CallFailedException e)
            {
                failed++; // the book exited with our request in its mailbox, or its name is not back yet
                Thread.yield();
            }
            catch (final CallTimeoutException e)
            {
                timeouts++;
            }
        }
    }

    /**
     * The gateway: a plain thread with an inbox that monitors every book. A Down arrives in the
     * inbox like any message; it then waits for the supervisor's restart and monitors the new
     * process.
     */
    private final class Gateway implements Runnable
    {
        private static final Object STOP = "stop";
        final Inbox inbox = node.inbox();
        final AtomicInteger restarts = new AtomicInteger();
        final Map<Ref, String> watching = new HashMap<>();

        Gateway()
        {
            for (final String i : INSTRUMENTS)
            {
                watching.put(inbox.monitor(node.whereis(OrderBook.name(i))), i);
            }
        }

        @Override
        public void run()
        {
            try (inbox)
            {
                for (Object m = inbox.receive(); m != STOP; m = inbox.receive())
                {
                    if (m instanceof Down d && watching.remove(d.ref()) instanceof String i)
                    {
                        final Pid next = awaitBook(i, d.pid());
                        restarts.incrementAndGet();
                        System.out.printf("gateway: %s %s went down (%s); its supervisor restarted it as %s%n",
                            OrderBook.name(i), d.pid(), d.reason(), next);
                        watching.put(inbox.monitor(next), i);
                    }
                }
            }
        }

        void stop()
        {
            node.send(inbox.pid(), STOP);
        }
    }
}
