package dev.switchboard.cluster;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.stats.EndpointCooldowns;
import dev.switchboard.stats.HealthListener;
import dev.switchboard.stats.LiveStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;

/**
 * Endpoint health shared by the nodes of a cluster: when one node opens an endpoint's breaker or
 * starts a cooldown, every other node applies the same for the same time, so an endpoint one node
 * found down is avoided by all. A message carries how long (not until when), so nodes whose clocks
 * disagree still agree on the time; the sender ignores its own messages. A node that starts later,
 * or misses a message, learns the endpoint's state from its own traffic as before.
 *
 * <p>Message: {@code node TAB breaker|cooldown TAB millis TAB provider TAB model}.
 */
public final class SharedHealth implements HealthListener {
    private static final Logger log = LoggerFactory.getLogger(SharedHealth.class);
    static final String CHANNEL = "endpoint-health";
    private static final String BREAKER = "breaker";
    private static final String COOLDOWN = "cooldown";

    private final Redis redis;
    private final String node = UUID.randomUUID().toString();

    public SharedHealth(Redis redis) {
        this.redis = redis;
    }

    @Override
    public void breakerOpened(EndpointId endpoint, Duration openFor) {
        publish(BREAKER, endpoint, openFor);
    }

    @Override
    public void coolingDown(EndpointId endpoint, Duration remaining) {
        publish(COOLDOWN, endpoint, remaining);
    }

    private void publish(String kind, EndpointId endpoint, Duration duration) {
        redis.publish(CHANNEL, String.join("\t", node, kind, Long.toString(duration.toMillis()),
                endpoint.provider().value(), endpoint.model().value()));
    }

    /** Applies what the other nodes find to this node's breakers and cooldowns. */
    public void listen(LiveStats stats, EndpointCooldowns cooldowns) {
        redis.subscribe(CHANNEL, message -> {
            String[] parts = message.split("\t", 5);
            if (parts.length != 5 || parts[0].equals(node)) {
                return;
            }
            long millis;
            try {
                millis = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                log.warn("ignoring an endpoint health message with a bad duration");
                return;
            }
            EndpointId endpoint = new EndpointId(new ModelId(parts[4]), new ProviderId(parts[3]));
            Duration duration = Duration.ofMillis(Math.max(0, millis));
            switch (parts[1]) {
                case BREAKER -> stats.breakerOpenedElsewhere(endpoint, duration);
                case COOLDOWN -> cooldowns.coolDownElsewhere(endpoint, duration);
                default -> log.warn("ignoring an endpoint health message of kind {}", parts[1]);
            }
        });
    }
}
