package dev.spindle.internal.runtime;

import dev.spindle.Call;
import dev.spindle.CallFailedException;
import dev.spindle.CallTimeoutException;
import dev.spindle.Down;
import dev.spindle.Pid;
import dev.spindle.Ref;
import dev.spindle.internal.process.CallbackHandle;
import dev.spindle.internal.process.InboxHandle;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The call protocol for threads that are not processes (docs/calls.md): the same monitor, request,
 * reply-by-reference and Down as {@link ProcessOps#call}, on an inbox instead of a process.
 * {@link #call} blocks the calling thread on an inbox; {@link Ask} waits on a
 * {@link CallbackHandle}, so no thread waits at all: the reply completes a future. No thread is made
 * per call. Futures complete, and monitor callbacks run, on {@link #ASYNC}: never on the scheduler
 * thread that delivered the message, so their dependents may block.
 */
final class PlainCalls
{
    /** Where futures complete and callbacks run. */
    static final Executor ASYNC = ForkJoinPool.commonPool();

    private PlainCalls()
    {
    }

    static boolean isAnswer(final Object m, final Ref ref)
    {
        return (m instanceof ProcessOps.Reply r && r.ref().equals(ref)) || (m instanceof Down d && d.ref().equals(ref));
    }

    /**
     * Calls from a plain thread, waiting on {@code h} (the caller's inbox, or a temporary one).
     *
     * @param node    the node.
     * @param h       an inbox the calling thread receives from.
     * @param server  the server.
     * @param request the request.
     * @param nanos   timeout.
     * @param timeout as given, for the message.
     * @return the reply.
     */
    static Object call(final Schedulers node, final InboxHandle h, final Pid server, final Object request, final long nanos,
                       final Duration timeout)
    {
        final Ref ref = node.signals().monitor(h, server);
        try
        {
            node.send(server, new Call(h.pid, ref, request), null);
        }
        catch (final RuntimeException refused) // the message check, a pid of another node
        {
            node.signals().demonitor(h, ref);
            throw refused;
        }
        final Object answer = InboxProtocol.receive(h, m -> isAnswer(m, ref), nanos, node);
        if (answer instanceof Down d)
        {
            throw new CallFailedException("server " + server + " exited: " + d.reason(), d.reason());
        }
        node.signals().demonitor(h, ref);
        InboxProtocol.receive(h, m -> m instanceof Down d && d.ref().equals(ref), 0, node); // flush a Down that raced
        if (answer instanceof ProcessOps.Reply r)
        {
            return r.value();
        }
        throw new CallTimeoutException("no reply from " + server + " within " + timeout + " to " + request);
    }

    /** A call whose reply completes a future: the listener of a callback handle. */
    static final class Ask implements CallbackHandle.Listener
    {
        final CompletableFuture<Object> future = new CompletableFuture<>();
        private final NodeRuntime node;
        private final Pid server;
        private final Duration timeout;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile Ref ref;
        private volatile CallbackHandle handle;

        Ask(final NodeRuntime node, final Pid server, final Duration timeout)
        {
            this.node = node;
            this.server = server;
            this.timeout = timeout;
        }

        void start(final CallbackHandle h, final Object request, final long nanos)
        {
            handle = h;
            final Ref r = node.schedulers().signals().makeRef();
            ref = r; // before the monitor: a Down may arrive at once
            node.schedulers().signals().monitor(h, server, r);
            try
            {
                node.schedulers().send(server, new Call(h.pid, r, request), null);
            }
            catch (final RuntimeException refused) // the message check, a pid of another node
            {
                finish(refused, null);
                return;
            }
            if (nanos < Deadlines.FOREVER)
            {
                CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS).execute(() ->
                    finish(new CallTimeoutException("no reply from " + server + " within " + timeout + " to " + request), null));
            }
        }

        @Override
        public void messagesArrived(final CallbackHandle h)
        {
            Object m;
            while ((m = h.mailbox.takeAny()) != null)
            {
                final Ref r = ref;
                if (r == null || !isAnswer(m, r))
                {
                    continue; // nothing else is sent to this pid; a stray message is dropped
                }
                if (m instanceof Down d)
                {
                    finish(new CallFailedException("server " + server + " exited: " + d.reason(), d.reason()), null);
                }
                else
                {
                    finish(null, ((ProcessOps.Reply)m).value());
                }
                return;
            }
        }

        private void finish(final RuntimeException failure, final Object value)
        {
            if (!done.compareAndSet(false, true))
            {
                return;
            }
            final CallbackHandle h = handle;
            final Ref r = ref;
            if (h != null && r != null)
            {
                node.schedulers().signals().demonitor(h, r);
                node.closeCallback(h);
            }
            ASYNC.execute(() ->
            {
                if (failure != null)
                {
                    future.completeExceptionally(failure);
                }
                else
                {
                    future.complete(value);
                }
            });
        }
    }

    /** A monitor whose Down runs a callback: the listener of a callback handle. */
    static final class MonitorCallback implements CallbackHandle.Listener
    {
        private final NodeRuntime node;
        private final Consumer<Down> callback;
        private volatile Ref ref;

        MonitorCallback(final NodeRuntime node, final Consumer<Down> callback)
        {
            this.node = node;
            this.callback = callback;
        }

        Ref start(final CallbackHandle h, final Pid target)
        {
            final Ref r = node.schedulers().signals().makeRef();
            ref = r; // before the monitor: a Down may arrive at once
            node.rememberMonitor(r, h);
            node.schedulers().signals().monitor(h, target, r);
            return r;
        }

        @Override
        public void messagesArrived(final CallbackHandle h)
        {
            Object m;
            while ((m = h.mailbox.takeAny()) != null)
            {
                if (m instanceof Down d && d.ref().equals(ref))
                {
                    node.closeCallback(h);
                    node.forgetMonitor(d.ref());
                    ASYNC.execute(() -> callback.accept(d));
                    return;
                }
            }
        }
    }
}
