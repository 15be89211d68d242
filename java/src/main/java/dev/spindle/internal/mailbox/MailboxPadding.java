package dev.spindle.internal.mailbox;

/**
 * 56 bytes between the fields other threads write ({@link MailboxTailFields}) and the owner's
 * ({@link Mailbox}), so that they are never on one cache line: with {@code highWater}'s 4 bytes
 * after {@code hint}, the owner's first field starts 64 bytes after {@code hint} starts, and two
 * fields that far apart cannot share a 64-byte line, however the object is aligned. Without it, a
 * process that takes while others put pulls the line holding {@code tail} back to its core on
 * every take (it writes {@code head} and {@code dequeued} there), and every sender's exchange pulls
 * it away again: a stream from one sender ran at an eighth of the padded layout's rate
 * (docs/mailbox.md, "False sharing"). Byte fields, as JCTools pads since JDK 15: HotSpot places a
 * subclass's fields in any gap its superclasses' layout leaves (JDK-8237767), and padding made of
 * longs (8-byte aligned) left a 4-byte gap that {@code dequeued} filled, next to {@code tail}.
 * {@code MailboxLayoutTest} checks the distances HotSpot chose.
 */
@SuppressWarnings("unused")
abstract class MailboxPadding extends MailboxTailFields
{
    byte p00, p01, p02, p03, p04, p05, p06, p07;
    byte p10, p11, p12, p13, p14, p15, p16, p17;
    byte p20, p21, p22, p23, p24, p25, p26, p27;
    byte p30, p31, p32, p33, p34, p35, p36, p37;
    byte p40, p41, p42, p43, p44, p45, p46, p47;
    byte p50, p51, p52, p53, p54, p55, p56, p57;
    byte p60, p61, p62, p63, p64, p65, p66, p67;
}
