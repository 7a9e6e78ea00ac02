package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.store.EndpointHistograms;
import dev.switchboard.store.EndpointMinute;
import org.HdrHistogram.Histogram;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live statistics of every endpoint, from Switchboard's own traffic: outcomes of each attempt,
 * time to first token (or to the answer) and throughput. What the endpoints API and routing
 * read. In memory: on a single node the whole truth; in cluster mode this node's part next to every
 * node's figures read from the shared store ({@link ClusterFigures}). Breakers decide on this node's
 * own attempts and are shared by their openings.
 */
public final class LiveStats {
    /** Below this uptime over 5 minutes an endpoint is degraded; below {@link #DOWN} (with enough attempts), down. */
    static final double DEGRADED = 95.0;
    static final double DOWN = 50.0;
    static final long DOWN_MIN_ATTEMPTS = 3;

    private final Clock clock;
    private final EndpointCooldowns cooldowns;
    private final ConcurrentHashMap<EndpointId, EndpointStats> endpoints = new ConcurrentHashMap<>();
    private final CircuitBreakers breakers;

    public LiveStats(Clock clock, EndpointCooldowns cooldowns) {
        this(clock, cooldowns, CircuitBreakers.Settings.DEFAULT);
    }

    public LiveStats(Clock clock, EndpointCooldowns cooldowns, CircuitBreakers.Settings breaker) {
        this(clock, cooldowns, breaker, HealthListener.NONE);
    }

    /** As above, telling {@code listener} whenever a breaker opens. */
    public LiveStats(Clock clock, EndpointCooldowns cooldowns, CircuitBreakers.Settings breaker, HealthListener listener) {
        this.clock = clock;
        this.cooldowns = cooldowns;
        this.breakers = new CircuitBreakers(clock, breaker, listener);
    }

    /**
     * An attempt that answered. {@code latencyMs}: to the first token (streams) or to the whole
     * answer; {@code generationMs}: to the end; throughput is completion tokens over the time
     * after the first token (streams) or over the whole time (not streamed).
     */
    public void success(EndpointId endpoint, long latencyMs, long generationMs, long completionTokens, boolean streamed) {
        long span = streamed ? generationMs - latencyMs : generationMs;
        Double throughput = completionTokens > 0 && span > 0 ? completionTokens * 1000.0 / span : null;
        stats(endpoint).success(minute(), latencyMs, throughput);
        breakers.success(endpoint);
    }

    public void error(EndpointId endpoint) {
        EndpointStats s = stats(endpoint);
        long now = minute();
        s.error(now);
        Double uptime = s.uptime(now, 5);
        CircuitBreakers.Settings breaker = breakers.settings();
        breakers.failure(endpoint, uptime != null && uptime < 100.0 * (1 - breaker.maxErrorRate())
                && s.attempts(now, 5) >= breaker.minAttempts());
    }

    /** True while the endpoint's circuit breaker is open: routing keeps it as a last resort. */
    public boolean breakerOpen(EndpointId endpoint) {
        return breakers.open(endpoint);
    }

    /** Another node opened the endpoint's breaker for {@code openFor}: routing here avoids it as well. */
    public void breakerOpenedElsewhere(EndpointId endpoint, java.time.Duration openFor) {
        breakers.openedElsewhere(endpoint, openFor);
    }

    public void rateLimited(EndpointId endpoint) {
        stats(endpoint).rateLimited(minute());
    }

    /** The client left mid-answer: counted apart, not held against the provider. */
    public void cancelled(EndpointId endpoint) {
        stats(endpoint).cancelled(minute());
    }

    /** What the endpoints API shows for one endpoint; fields are null without data. */
    public record View(Double uptime5m, Double uptime30m, Double uptime1d, EndpointStats.Percentiles latency30m,
                       EndpointStats.Percentiles throughput30m, String status) {
    }

    public View view(EndpointId endpoint) {
        EndpointStats s = endpoints.get(endpoint);
        String status = cooldowns.coolingDown(endpoint) ? "cooldown" : breakers.open(endpoint) ? "down" : "ok";
        ClusterFigures figures = cluster;
        if (figures != null) {
            return clusterView(endpoint, s, figures.endpoint(endpoint), status);
        }
        if (s == null) {
            return new View(null, null, null, null, null, status);
        }
        long now = minute();
        return new View(s.uptime(now, 5), s.uptime(now, 30), s.uptime(now, EndpointStats.DAY_MINUTES), s.latency(now),
                s.throughput(now), status(status, s.uptime(now, 5), s.attempts(now, 5)));
    }

    /** "ok" refined by the last five minutes' uptime: degraded, or down with enough attempts. */
    private static String status(String status, Double uptime5m, long attempts5m) {
        if (!status.equals("ok") || uptime5m == null) {
            return status;
        }
        return uptime5m < DOWN && attempts5m >= DOWN_MIN_ATTEMPTS ? "down" : uptime5m < DEGRADED ? "degraded" : status;
    }

    // ---- cluster mode: every node's figures, from the shared store plus this node's unwritten part ----

    /** Every node's figures as of the store's last read; null on a single node, where memory holds them all. */
    private volatile ClusterFigures cluster;

    /** The shared store's latest figures (cluster mode): from now on views and routing read cluster-wide ones. */
    void clusterFigures(ClusterFigures figures) {
        cluster = figures;
    }

    private View clusterView(EndpointId endpoint, EndpointStats own, ClusterFigures.Endpoint shared, String status) {
        if (own == null && shared == null) {
            return new View(null, null, null, null, null, status);
        }
        long now = minute();
        long[] last5 = outcomes(own, shared, now, 5);
        long[] day = outcomes(own, null, now, EndpointStats.DAY_MINUTES);
        if (shared != null) {
            day[0] += shared.day()[0];
            day[1] += shared.day()[1];
        }
        EndpointStats.Percentiles[] percentiles = clusterPercentiles(own, shared, now);
        return new View(uptime(last5), uptime(outcomes(own, shared, now, 30)), uptime(day), percentiles[0],
                percentiles[1], status(status, uptime(last5), last5[0] + last5[1]));
    }

    /** {successes, errors} of the last {@code minutes}: the store's sums plus what this node has not written yet. */
    private static long[] outcomes(EndpointStats own, ClusterFigures.Endpoint shared, long now, int minutes) {
        long[] total = own == null ? new long[2] : own.unstoredOutcomes(now - minutes + 1, now);
        if (shared != null) {
            for (long m = now - minutes + 1; m <= now; m++) {
                long[] stored = shared.minutes().get(m);
                if (stored != null) {
                    total[0] += stored[0];
                    total[1] += stored[1];
                }
            }
        }
        return total;
    }

    /** {latency, throughput} over 30 minutes: this node's own recordings and the other nodes' histograms. */
    private static EndpointStats.Percentiles[] clusterPercentiles(EndpointStats own, ClusterFigures.Endpoint shared, long now) {
        Histogram latency = EndpointStats.newHistogram();
        Histogram throughput = EndpointStats.newHistogram();
        if (shared != null) {
            latency.add(shared.latencyMs());
            throughput.add(shared.tokensPerSecond());
        }
        if (own != null) {
            own.addOwnHistograms(now, latency, throughput);
        }
        return new EndpointStats.Percentiles[] {EndpointStats.percentiles(latency), EndpointStats.percentiles(throughput)};
    }

    private static Double uptime(long[] outcomes) {
        long total = outcomes[0] + outcomes[1];
        return total == 0 ? null : 100.0 * outcomes[0] / total;
    }

    /** Hours of the recent-uptime history. */
    public static final int HISTORY_HOURS = 72;

    /** Uptime of one clock hour: null without attempts. */
    public record HourUptime(long hourStartMillis, Double uptime) {
    }

    /**
     * Uptime per clock hour over the last {@link #HISTORY_HOURS} hours, oldest first, the current
     * hour last: what the "recent uptime" strip draws.
     */
    public List<HourUptime> uptimeHourly(EndpointId endpoint) {
        EndpointStats s = endpoints.get(endpoint);
        Map<Long, long[]> stored = storedHours.getOrDefault(endpoint, Map.of());
        long hour = Math.floorDiv(clock.millis(), 3_600_000L);
        List<HourUptime> hours = new ArrayList<>(HISTORY_HOURS);
        for (long h = hour - HISTORY_HOURS + 1; h <= hour; h++) {
            // the store sums every node but lags by up to a write interval; this node's memory holds
            // the last day: the source that saw more attempts of the hour is the more complete
            long[] outcomes = s == null ? new long[2] : s.outcomes(h * 60, h * 60 + 59);
            long[] fromStore = stored.get(h * 60);
            if (fromStore != null && fromStore[0] + fromStore[1] > outcomes[0] + outcomes[1]) {
                outcomes = fromStore;
            }
            long total = outcomes[0] + outcomes[1];
            hours.add(new HourUptime(h * 3_600_000L, total == 0 ? null : 100.0 * outcomes[0] / total));
        }
        return hours;
    }

    // ---- history kept by the store (see StatsHistory) ----

    /** Per endpoint, {successes, errors} of each hour (keyed by its first minute) as the store last had them. */
    private volatile Map<EndpointId, Map<Long, long[]>> storedHours = Map.of();

    void storedHours(List<EndpointMinute> hours) {
        Map<EndpointId, Map<Long, long[]>> byEndpoint = new HashMap<>();
        for (EndpointMinute h : hours) {
            byEndpoint.computeIfAbsent(endpointId(h.model(), h.providerId()), e -> new HashMap<>())
                    .put(h.minute(), new long[] {h.successes(), h.errors()});
        }
        storedHours = byEndpoint;
    }

    /** Takes in what earlier processes recorded: counts of the last day, histograms of the last 30 minutes. */
    void restore(List<EndpointMinute> minutes, List<EndpointHistograms> histograms) {
        long now = minute();
        for (EndpointMinute m : minutes) {
            if (m.minute() > now - EndpointStats.DAY_MINUTES && m.minute() <= now) {
                stats(endpointId(m.model(), m.providerId()))
                        .restoreCounts(m.minute(), m.successes(), m.errors(), m.rateLimited(), m.cancelled());
            }
        }
        for (EndpointHistograms h : histograms) {
            if (h.minute() > now - EndpointStats.HISTOGRAM_MINUTES && h.minute() <= now) {
                stats(endpointId(h.model(), h.providerId())).restoreHistograms(h.minute(),
                        HistogramCodec.decode(h.latencyMs()), HistogramCodec.decode(h.tokensPerSecond()));
            }
        }
    }

    /** What this process recorded in minutes {@code [from, to]} and the store does not hold yet. */
    record Unstored(List<EndpointMinute> minutes, List<EndpointHistograms> histograms, Runnable markCounts,
                    Runnable markHistograms) {
    }

    Unstored unstored(long from, long to, String node) {
        List<EndpointMinute> minutes = new ArrayList<>();
        List<EndpointHistograms> histograms = new ArrayList<>();
        List<Runnable> countMarks = new ArrayList<>();
        List<Runnable> histogramMarks = new ArrayList<>();
        endpoints.forEach((id, s) -> {
            String model = id.model().value();
            String provider = id.provider().value();
            for (long m = from; m <= to; m++) {
                long minute = m;
                long[] delta = s.unstoredCounts(minute);
                if (delta != null) {
                    minutes.add(new EndpointMinute(minute, model, provider, delta[0], delta[1], delta[2], delta[3]));
                    countMarks.add(() -> s.countsStored(minute, delta));
                }
                Histogram[] h = s.unstoredHistograms(minute);
                if (h != null) {
                    histograms.add(new EndpointHistograms(minute, model, provider, node, HistogramCodec.encode(h[0]),
                            HistogramCodec.encode(h[1])));
                    long count = h[0].getTotalCount();
                    histogramMarks.add(() -> s.histogramsStored(minute, count));
                }
            }
        });
        return new Unstored(minutes, histograms, () -> countMarks.forEach(Runnable::run),
                () -> histogramMarks.forEach(Runnable::run));
    }

    long currentMinute() {
        return minute();
    }

    private static EndpointId endpointId(String model, String provider) {
        return new EndpointId(new ModelId(model), new ProviderId(provider));
    }

    /** Latency percentiles over 30 minutes, for routing: computed at most once a second per endpoint. */
    public EndpointStats.Percentiles latency30m(EndpointId endpoint) {
        return recent(endpoint).latency();
    }

    /** Throughput percentiles over 30 minutes, for routing: computed at most once a second per endpoint. */
    public EndpointStats.Percentiles throughput30m(EndpointId endpoint) {
        return recent(endpoint).throughput();
    }

    /** Percentiles of one endpoint as of one second: merging 30 histograms per routing decision would cost too much. */
    private record Recent(long second, EndpointStats.Percentiles latency, EndpointStats.Percentiles throughput) {
    }

    private final ConcurrentHashMap<EndpointId, Recent> recent = new ConcurrentHashMap<>();

    private Recent recent(EndpointId endpoint) {
        long second = Math.floorDiv(clock.millis(), 1_000L);
        Recent cached = recent.get(endpoint);
        if (cached != null && cached.second() == second) {
            return cached;
        }
        EndpointStats s = endpoints.get(endpoint);
        long now = minute();
        ClusterFigures figures = cluster;
        Recent fresh;
        if (figures != null) {
            EndpointStats.Percentiles[] p = clusterPercentiles(s, figures.endpoint(endpoint), now);
            fresh = new Recent(second, p[0], p[1]);
        } else {
            fresh = s == null ? new Recent(second, null, null) : new Recent(second, s.latency(now), s.throughput(now));
        }
        recent.put(endpoint, fresh);
        return fresh;
    }

    private EndpointStats stats(EndpointId endpoint) {
        return endpoints.computeIfAbsent(endpoint, e -> new EndpointStats());
    }

    private long minute() {
        return Math.floorDiv(clock.millis(), 60_000L);
    }
}
