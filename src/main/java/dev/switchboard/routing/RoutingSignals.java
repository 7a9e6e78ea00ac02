package dev.switchboard.routing;

import dev.switchboard.catalog.EndpointId;

import java.util.OptionalDouble;

/** What routing knows of endpoints' recent behaviour; supplied by the stats that observe traffic. */
public interface RoutingSignals {
    RoutingSignals NONE = new RoutingSignals() {
    };

    /** True while an endpoint is cooling down (after a 429 or repeated failures): keep it as a last resort. */
    default boolean coolingDown(EndpointId endpoint) {
        return false;
    }

    /** Time to first token in seconds at the given percentile (50, 75, 90, 99), if measured. */
    default OptionalDouble latencySeconds(EndpointId endpoint, int percentile) {
        return OptionalDouble.empty();
    }

    /** Output tokens per second at the given percentile (50, 75, 90, 99), if measured. */
    default OptionalDouble throughput(EndpointId endpoint, int percentile) {
        return OptionalDouble.empty();
    }
}
