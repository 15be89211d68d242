package dev.spindle.jcstress;

import dev.spindle.internal.timer.Timer;

/** A timer that counts its {@link #fire()} calls (one expiring thread writes; the arbiter reads). */
final class CountingTimer extends Timer
{
    int fires;

    @Override
    protected void fire()
    {
        fires++;
    }
}
