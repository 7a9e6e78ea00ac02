package dev.switchboard.providers;

import dev.switchboard.catalog.ProviderId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many upstream exchanges this node has open per provider, against the provider's
 * {@code max_connections}, across every event loop. A request over the limit is refused at once,
 * not queued behind a connection that may take minutes to free (a stream), so the gateway can try
 * another endpoint or tell the client the real cause: our limit, not the provider's health.
 */
public final class ConnectionLeases {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLeases.class);
    private static final long WARN_EVERY_MS = 60_000;

    private final ConcurrentHashMap<ProviderId, AtomicInteger> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProviderId, AtomicLong> lastWarned = new ConcurrentHashMap<>();

    /** One exchange's hold on a slot; giving it back twice is harmless. */
    public final class Lease {
        private final AtomicInteger count;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(AtomicInteger count) {
            this.count = count;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }

    /** A slot for one exchange with {@code provider}, or null when {@code max} are open already. */
    public Lease tryAcquire(ProviderId provider, int max) {
        AtomicInteger count = open.computeIfAbsent(provider, p -> new AtomicInteger());
        while (true) {
            int now = count.get();
            if (now >= max) {
                warn(provider, max);
                return null;
            }
            if (count.compareAndSet(now, now + 1)) {
                return new Lease(count);
            }
        }
    }

    /** Exchanges open with {@code provider} now. */
    public int open(ProviderId provider) {
        AtomicInteger count = open.get(provider);
        return count == null ? 0 : count.get();
    }

    private void warn(ProviderId provider, int max) {
        AtomicLong last = lastWarned.computeIfAbsent(provider, p -> new AtomicLong());
        long now = System.currentTimeMillis();
        long before = last.get();
        if (now - before >= WARN_EVERY_MS && last.compareAndSet(before, now)) {
            log.warn("provider {}: {} connections open, its max_connections; further requests are refused "
                    + "(or go to another endpoint) until one ends", provider, max);
        }
    }
}
