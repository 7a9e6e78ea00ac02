package dev.switchboard.stats;

import dev.switchboard.store.EndpointMinute;
import dev.switchboard.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
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
    /** Cluster mode writes and reads back more often: other nodes' figures are as fresh as this interval. */
    static final long CLUSTER_WRITE_EVERY_MS = 5_000;
    /** Counts are kept a day longer than the strip shows; histograms only serve the 30-minute window. */
    static final long KEEP_COUNTS_MINUTES = (LiveStats.HISTORY_HOURS + 24) * 60L;
    static final long KEEP_HISTOGRAM_MINUTES = 60;

    private final LiveStats stats;
    private final Store store;
    private final Clock clock;
    /** Cluster mode: after each write, every node's figures are read back into {@link LiveStats}. */
    private final boolean cluster;
    /** Names this process's histogram rows: they are replaced as the minute fills, never another node's. */
    private final String node = UUID.randomUUID().toString();
    private final ScheduledExecutorService scheduler;
    /** Minutes before this one were complete when last written (their later changes are stragglers, rare). */
    private long writtenFrom;
    private long lastPruneMinute;

    private StatsHistory(LiveStats stats, Store store, Clock clock, boolean cluster) {
        this.stats = stats;
        this.store = store;
        this.clock = clock;
        this.cluster = cluster;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stats-history");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads the history into {@code stats} (blocking, at start) and begins writing it back. */
    public static StatsHistory start(LiveStats stats, Store store, Clock clock) {
        return start(stats, store, clock, false);
    }

    /**
     * As above; with {@code cluster}, the store is shared by several nodes and {@code stats} shows
     * every node's figures, read back after each write.
     */
    public static StatsHistory start(LiveStats stats, Store store, Clock clock, boolean cluster) {
        StatsHistory history = new StatsHistory(stats, store, clock, cluster);
        long now = stats.currentMinute();
        try {
            stats.restore(store.endpointMinutes(now - EndpointStats.DAY_MINUTES + 1),
                    store.endpointHistograms(now - EndpointStats.HISTOGRAM_MINUTES + 1));
            history.refresh();
        } catch (RuntimeException e) {
            log.warn("endpoint stats history could not be read; starting without it: {}", e.getMessage());
        }
        history.writtenFrom = now;
        history.lastPruneMinute = now;
        long every = cluster ? CLUSTER_WRITE_EVERY_MS : WRITE_EVERY_MS;
        history.scheduler.scheduleWithFixedDelay(history::tick, every, every, TimeUnit.MILLISECONDS);
        return history;
    }

    private void tick() {
        try {
            write();
            long now = stats.currentMinute();
            refresh();
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

    /** Re-reads the hourly history and, in cluster mode, every node's recent figures. */
    synchronized void refresh() {
        long now = stats.currentMinute();
        List<EndpointMinute> hours = store.endpointHours(now - LiveStats.HISTORY_HOURS * 60L + 1);
        stats.storedHours(hours);
        if (cluster) {
            long from = now - EndpointStats.HISTOGRAM_MINUTES + 1;
            stats.clusterFigures(ClusterFigures.of(now, store.endpointMinutes(from), hours,
                    store.endpointHistograms(from), node));
        }
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
