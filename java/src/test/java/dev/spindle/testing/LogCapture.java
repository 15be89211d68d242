package dev.spindle.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the runtime logs through {@link System.Logger} under one logger name (the JDK
 * routes System.Logger to java.util.logging), for the length of a try-with-resources block.
 */
public final class LogCapture extends Handler implements AutoCloseable
{
    private final Logger logger; // held: java.util.logging keeps loggers weakly
    private final Level before;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** @param name the logger name, e.g. "dev.spindle.supervisor" */
    public LogCapture(final String name)
    {
        this.logger = Logger.getLogger(name);
        this.before = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** @return the messages logged so far at {@code level} or above. */
    public List<String> messages(final Level level)
    {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).map(LogRecord::getMessage).toList();
    }

    /** @return the messages logged so far at any level. */
    public List<String> messages()
    {
        return messages(Level.ALL);
    }

    @Override
    public void publish(final LogRecord r)
    {
        records.add(r);
    }

    @Override
    public void flush()
    {
    }

    @Override
    public void close()
    {
        logger.removeHandler(this);
        logger.setLevel(before);
    }
}
