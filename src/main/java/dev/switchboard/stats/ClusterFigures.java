package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.store.EndpointHistograms;
import dev.switchboard.store.EndpointMinute;
import org.HdrHistogram.Histogram;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every node of a cluster recorded, as the shared store held it at one moment: the figures
 * the endpoints API and routing read in cluster mode, so each node shows the same uptime, latency
 * and throughput. Counts are the store's sums over all nodes (this node's written part included);
 * histograms are the other nodes' only, since this node adds its own live ones. Immutable.
 */
final class ClusterFigures {

    /** One endpoint: {successes, errors} per minute of the last 30, of the last day, and the other nodes' histograms. */
    record Endpoint(Map<Long, long[]> minutes, long[] day, Histogram latencyMs, Histogram tokensPerSecond) {
    }

    private final Map<EndpointId, Endpoint> endpoints;

    private ClusterFigures(Map<EndpointId, Endpoint> endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * From the store's rows: {@code minutes} of the histogram window, {@code hours} of at least the
     * last day (keyed by their first minute), {@code histograms} of the window, every node's;
     * the rows of {@code node} (this one) are left out of the histograms.
     */
    static ClusterFigures of(long now, List<EndpointMinute> minutes, List<EndpointMinute> hours,
                             List<EndpointHistograms> histograms, String node) {
        Map<EndpointId, Builder> builders = new HashMap<>();
        for (EndpointMinute m : minutes) {
            if (m.minute() > now - EndpointStats.HISTOGRAM_MINUTES) {
                builders.computeIfAbsent(id(m.model(), m.providerId()), e -> new Builder()).minutes
                        .merge(m.minute(), new long[] {m.successes(), m.errors()}, ClusterFigures::add);
            }
        }
        // hour granularity: the day is the hours that began within the last 24 hours
        for (EndpointMinute h : hours) {
            if (h.minute() > now - EndpointStats.DAY_MINUTES) {
                long[] day = builders.computeIfAbsent(id(h.model(), h.providerId()), e -> new Builder()).day;
                day[0] += h.successes();
                day[1] += h.errors();
            }
        }
        for (EndpointHistograms h : histograms) {
            if (h.node().equals(node) || h.minute() <= now - EndpointStats.HISTOGRAM_MINUTES) {
                continue;
            }
            Builder b = builders.computeIfAbsent(id(h.model(), h.providerId()), e -> new Builder());
            b.latencyMs.add(HistogramCodec.decode(h.latencyMs()));
            b.tokensPerSecond.add(HistogramCodec.decode(h.tokensPerSecond()));
        }
        Map<EndpointId, Endpoint> endpoints = new HashMap<>();
        builders.forEach((id, b) -> endpoints.put(id, new Endpoint(Map.copyOf(b.minutes), b.day, b.latencyMs, b.tokensPerSecond)));
        return new ClusterFigures(endpoints);
    }

    /** The endpoint's figures, or null when no node recorded anything for it. */
    Endpoint endpoint(EndpointId id) {
        return endpoints.get(id);
    }

    private static final class Builder {
        final Map<Long, long[]> minutes = new HashMap<>();
        final long[] day = new long[2];
        final Histogram latencyMs = EndpointStats.newHistogram();
        final Histogram tokensPerSecond = EndpointStats.newHistogram();
    }

    private static long[] add(long[] a, long[] b) {
        return new long[] {a[0] + b[0], a[1] + b[1]};
    }

    private static EndpointId id(String model, String provider) {
        return new EndpointId(new ModelId(model), new ProviderId(provider));
    }
}
