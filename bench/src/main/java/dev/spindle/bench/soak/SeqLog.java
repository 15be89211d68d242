package dev.spindle.bench.soak;

import dev.spindle.Pid;

import java.util.Arrays;

/**
 * The history of one sender-receiver pair: the sequence numbers the sender sent, in order, and
 * those the receiver processed, in order. Each side has one writer (the sender process, the
 * receiver process); the round's verifier reads both after they ended. The counts are volatile
 * and written after the array slot, so a reader that sees a count sees the slots below it.
 *
 * <p>The verdict ({@link #verify}) is exactly what Spindle promises for a pair: messages arrive
 * in the order sent and none is dropped while the receiver lives, so what was processed must be
 * a prefix of what was sent; the rest may be missing only if the receiver died and the sender
 * learned it (a Down, a failed call): {@link #deadReason}.
 */
final class SeqLog
{
    final int sender;
    final Pid receiver;
    private int[] sent = new int[16];
    private volatile int sentCount;
    private int[] done = new int[16];
    private volatile int doneCount;
    /** Set by the sender when it learns the receiver died: the Down's or failed call's reason. */
    volatile Object deadReason;
    /** Sender-private: how many of its messages the receiver acknowledged (pipes only). */
    int acked;

    SeqLog(final int sender, final Pid receiver)
    {
        this.sender = sender;
        this.receiver = receiver;
    }

    /** By the sender, before it sends {@code seq}. */
    void sent(final int seq)
    {
        final int n = sentCount;
        if (n == sent.length)
        {
            sent = Arrays.copyOf(sent, n * 2);
        }
        sent[n] = seq;
        sentCount = n + 1;
    }

    /** By the receiver, when it processed {@code seq}. */
    void done(final int seq)
    {
        final int n = doneCount;
        if (n == done.length)
        {
            done = Arrays.copyOf(done, n * 2);
        }
        done[n] = seq;
        doneCount = n + 1;
    }

    int sentCount()
    {
        return sentCount;
    }

    int doneCount()
    {
        return doneCount;
    }

    /** @return the i-th sequence number sent. */
    int sentAt(final int i)
    {
        return sent[i];
    }

    /** @return the last sequence number processed, or -1. */
    int lastDone()
    {
        final int n = doneCount;
        return n == 0 ? -1 : done[n - 1];
    }

    /** Counts of a verdict: each sent message lands in exactly one of processed, explained, unexplained. */
    static final class Verdict
    {
        long sent;
        long processed;
        long explained;
        long unexplained;

        void add(final Verdict v)
        {
            sent += v.sent;
            processed += v.processed;
            explained += v.explained;
            unexplained += v.unexplained;
        }
    }

    /**
     * Classifies every message sent, reporting what breaks the pair's contract.
     *
     * @param what     "message", "request": for the failure text.
     * @param failures where to report.
     * @return the counts.
     */
    Verdict verify(final String what, final Failures failures)
    {
        final Verdict v = new Verdict();
        final int n = sentCount;
        final int k = doneCount;
        v.sent = n;
        final int common = Math.min(n, k);
        int i = 0;
        while (i < common && sent[i] == done[i])
        {
            i++;
        }
        final String pair = "sender " + sender + " -> " + receiver;
        if (i < common)
        {
            final int got = done[i];
            boolean seenBefore = false;
            for (int j = 0; j < i && !seenBefore; j++)
            {
                seenBefore = done[j] == got;
            }
            if (seenBefore)
            {
                failures.add(Failures.DUPLICATE, what + " " + got + " " + pair + " processed twice (at positions " + indexOf(done, got) +
                    " and " + i + " of " + k + ")");
            }
            else if (indexOf(done, sent[i], i + 1, k) < 0)
            {
                failures.add(Failures.LOSS, what + " " + sent[i] + " " + pair + " never processed although the receiver went on to " +
                    got + ": lost while the receiver lived");
            }
            else
            {
                failures.add(Failures.ORDER, what + " " + sent[i] + " " + pair + " processed at position " +
                    indexOf(done, sent[i], i + 1, k) + " but sent at " + i + " (" + got + " was processed before it)");
            }
            // Past the first break nothing about the pair can be trusted: the rest is unexplained.
            v.processed = i;
            v.unexplained = n - i;
            return v;
        }
        if (k > n)
        {
            failures.add(Failures.DUPLICATE, pair + ": " + (k - n) + " more " + what + "s processed than sent (first extra: " +
                done[n] + ")");
        }
        v.processed = common;
        if (k < n)
        {
            if (deadReason != null)
            {
                v.explained = n - k;
            }
            else
            {
                v.unexplained = n - k;
                failures.add(Failures.LOSS, (n - k) + " " + what + "s " + pair + " never processed (first: " + sent[k] + " of " + n +
                    " sent), and the sender learned of no death of the receiver");
            }
        }
        return v;
    }

    private static int indexOf(final int[] a, final int x)
    {
        return indexOf(a, x, 0, a.length);
    }

    private static int indexOf(final int[] a, final int x, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (a[i] == x)
            {
                return i;
            }
        }
        return -1;
    }
}
