package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;

import java.time.Duration;

/**
 * Told when this node finds an endpoint down: its breaker opened, or it asked for (or earned) a
 * cooldown. Cluster mode tells the other nodes, which then avoid the endpoint too. Calls come from
 * request threads: implementations must not block.
 */
public interface HealthListener {
    HealthListener NONE = new HealthListener() {
        @Override
        public void breakerOpened(EndpointId endpoint, Duration openFor) {
        }

        @Override
        public void coolingDown(EndpointId endpoint, Duration remaining) {
        }
    };

    void breakerOpened(EndpointId endpoint, Duration openFor);

    void coolingDown(EndpointId endpoint, Duration remaining);
}
