package dev.switchboard.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets the same transport error (Netty's and Vert.x's loggers, same exception type and message) through
 * once per {@link #WINDOW_NANOS}, then says how many were dropped. When the process runs out of file
 * descriptors, every failed accept logs a stack trace: issue 12 measured 2.1 GB of them in 45 s.
 * Installed in logback.xml. Thread-safe.
 */
public final class RepeatedErrorFilter extends TurboFilter {
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_KEYS = 1_024;

    private record Seen(long since, int dropped) {
    }

    private final Map<String, Seen> seen = new HashMap<>();
    private final LongSupplier nanoTime;

    public RepeatedErrorFilter() {
        this(System::nanoTime);
    }

    RepeatedErrorFilter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.WARN) || !isTransport(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        Throwable cause = t != null ? t : lastThrowable(params);
        String key = logger.getName() + '|' + (cause == null ? format : cause.getClass().getName() + ':' + cause.getMessage());
        long now = nanoTime.getAsLong();
        int reportDropped;
        synchronized (seen) {
            Seen before = seen.get(key);
            if (before != null && now - before.since() < WINDOW_NANOS) {
                seen.put(key, new Seen(before.since(), before.dropped() + 1));
                return FilterReply.DENY;
            }
            if (seen.size() >= MAX_KEYS) {
                seen.clear();
            }
            seen.put(key, new Seen(now, 0));
            reportDropped = before == null ? 0 : before.dropped();
        }
        if (reportDropped > 0) {
            LoggerFactory.getLogger(RepeatedErrorFilter.class).warn("{} more like the next message were not logged",
                    reportDropped);
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean isTransport(String loggerName) {
        return loggerName.startsWith("io.netty.") || loggerName.startsWith("io.vertx.");
    }

    private static Throwable lastThrowable(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last ? last : null;
    }
}
