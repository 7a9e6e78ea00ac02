package dev.switchboard.stats;

import dev.switchboard.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@link LiveStats} in the store, so a restart keeps an endpoint's uptime, latency and
 * throughput, and the recent-uptime strip covers {@link LiveStats#HISTORY_HOURS} hours. At start
 * it reads the last day back; then, on its own thread, it writes what changed every
 * {@link #WRITE_EVERY_MS} ms, re-reads the hourly history every minute and removes what is too
 * old once an hour. A failed write is retried by the next one; requests never wait for the store.
 */
public final class StatsHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsHistory.class);
    static final long WRITE_EVERY_MS = 10_000;
    /** Counts are kept a day longer than the strip shows; histograms only serve the 30-minute window. */
    static final long KEEP_COUNTS_MINUTES = (LiveStats.HISTORY_HOURS + 24) * 60L;
    static final long KEEP_HISTOGRAM_MINUTES = 60;

    private final LiveStats stats;
    private final Store store;
    private final Clock clock;
    /** Names this process's histogram rows: they are replaced as the minute fills, never another node's. */
    private final String node = UUID.randomUUID().toString();
    private final ScheduledExecutorService scheduler;
    /** Minutes before this one were complete when last written (their later changes are stragglers, rare). */
    private long writtenFrom;
    private long lastPruneMinute;

    private StatsHistory(LiveStats stats, Store store, Clock clock) {
        this.stats = stats;
        this.store = store;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stats-history");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads the history into {@code stats} (blocking, at start) and begins writing it back. */
    public static StatsHistory start(LiveStats stats, Store store, Clock clock) {
        StatsHistory history = new StatsHistory(stats, store, clock);
        long now = stats.currentMinute();
        try {
            stats.restore(store.endpointMinutes(now - EndpointStats.DAY_MINUTES + 1),
                    store.endpointHistograms(now - EndpointStats.HISTOGRAM_MINUTES + 1));
            history.refreshHours();
        } catch (RuntimeException e) {
            log.warn("endpoint stats history could not be read; starting without it: {}", e.getMessage());
        }
        history.writtenFrom = now;
        history.lastPruneMinute = now;
        history.scheduler.scheduleWithFixedDelay(history::tick, WRITE_EVERY_MS, WRITE_EVERY_MS, TimeUnit.MILLISECONDS);
        return history;
    }

    private void tick() {
        try {
            write();
            long now = stats.currentMinute();
            refreshHours();
            if (now - lastPruneMinute >= 60) {
                store.deleteEndpointStatsBefore(now - KEEP_COUNTS_MINUTES, now - KEEP_HISTOGRAM_MINUTES);
                lastPruneMinute = now;
            }
        } catch (RuntimeException e) {
            log.warn("endpoint stats history: {}", e.getMessage());
        }
    }

    /** Writes what changed since the last write; the next write retries what this one could not. */
    synchronized void write() {
        long now = stats.currentMinute();
        LiveStats.Unstored unstored = stats.unstored(writtenFrom, now, node);
        store.addEndpointMinutes(unstored.minutes());
        // the counts are committed: a failure below must not send them again
        unstored.markCounts().run();
        store.putEndpointHistograms(unstored.histograms());
        unstored.markHistograms().run();
        writtenFrom = now - 1; // the minute just ended may still see a recording that started in it
    }

    private void refreshHours() {
        stats.storedHours(store.endpointHours(stats.currentMinute() - LiveStats.HISTORY_HOURS * 60L + 1));
    }

    /** Stops the writer and writes once more: called before the store closes. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            write();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("endpoint stats of the last seconds were not stored: {}", e.getMessage());
        }
    }
}
