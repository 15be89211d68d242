/**
 * Links, monitors, exit signals and names, with the BEAM's rules. A signal is put into the
 * target's mailbox under the target's lock unless its exit path has closed the signal path (then
 * the sender gets the dead-process answer); the target handles it when its receive meets it, under
 * its own lock. The exit path takes the signal state out under the lock and signals links and
 * monitors with no lock held. {@link dev.spindle.internal.signals.Registry} keeps the names;
 * {@link dev.spindle.internal.signals.Wakeup} is how a signalled process gets running (the
 * scheduler package implements it). Depends on process, mailbox and timer.
 */
package dev.spindle.internal.signals;
