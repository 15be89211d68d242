/**
 * Timers: {@link dev.spindle.internal.timer.TimerHeap}, one per scheduler, a 4-ary heap under a
 * small lock; {@link dev.spindle.internal.timer.Timer}, whose state word (an arming number and a
 * status) moves once per arming from PENDING to FIRED or CANCELLED; and
 * {@link dev.spindle.internal.timer.MessageTimer} for {@code sendAfter}. The owner adds and
 * expires; any thread cancels (removing at once) and may expire a stuck owner's due timers; the
 * expiring thread fires outside the lock after winning the CAS for the arming it popped. Depends
 * on the API's value types only.
 */
package dev.spindle.internal.timer;
