package dev.switchboard.cluster;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.stats.EndpointCooldowns;
import dev.switchboard.stats.HealthListener;
import dev.switchboard.stats.LiveStats;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;

/**
 * Endpoint health shared by the nodes of a cluster: when one node opens an endpoint's breaker or
 * starts a cooldown, every other node applies the same for the same time, so an endpoint one node
 * found down is avoided by all. A message carries how long (not until when), so nodes whose clocks
 * disagree still agree on the time; the sender ignores its own messages. Each state is also kept
 * in a key that expires with it, so a node that starts later begins with the states still running
 * (their remaining time read from Redis's own clock). A node that misses a message learns the
 * endpoint's state from its own traffic as before.
 *
 * <p>Message: {@code node TAB breaker|cooldown TAB millis TAB provider TAB model}; key:
 * {@code endpoint-health:breaker|cooldown TAB provider TAB model}.
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
        long millis = duration.toMillis();
        redis.publish(CHANNEL, String.join("\t", node, kind, Long.toString(millis),
                endpoint.provider().value(), endpoint.model().value()));
        if (millis > 0) {
            String key = redis.key(CHANNEL + ":" + String.join("\t", kind, endpoint.provider().value(), endpoint.model().value()));
            redis.commands().set(key, node, SetArgs.Builder.px(millis)).exceptionally(e -> {
                log.warn("keeping an endpoint's {} in Redis failed: {}", kind, e.toString());
                return null;
            });
        }
    }

    /** Applies what the other nodes find to this node's breakers and cooldowns, starting with the states still running. */
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
            apply(parts[1], parts[3], parts[4], millis, stats, cooldowns);
        });
        catchUp(stats, cooldowns);
    }

    /** The breakers and cooldowns other nodes started before this one listened, for the time they have left. */
    private void catchUp(LiveStats stats, EndpointCooldowns cooldowns) {
        String prefix = redis.key(CHANNEL + ":");
        try {
            redis.scanKeys(CHANNEL + ":*", key -> {
                String[] parts = key.substring(prefix.length()).split("\t", 3);
                Long left = await(redis.commands().pttl(key));
                if (parts.length == 3 && left != null && left > 0) {
                    apply(parts[0], parts[1], parts[2], left, stats, cooldowns);
                }
            });
        } catch (RuntimeException e) {
            log.warn("could not read the endpoint states other nodes keep in Redis; learning them from traffic: {}",
                    e.toString());
        }
    }

    private static void apply(String kind, String provider, String model, long millis, LiveStats stats,
                              EndpointCooldowns cooldowns) {
        EndpointId endpoint = new EndpointId(new ModelId(model), new ProviderId(provider));
        Duration duration = Duration.ofMillis(Math.max(0, millis));
        switch (kind) {
            case BREAKER -> stats.breakerOpenedElsewhere(endpoint, duration);
            case COOLDOWN -> cooldowns.coolDownElsewhere(endpoint, duration);
            default -> log.warn("ignoring an endpoint health message of kind {}", kind);
        }
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(Redis.COMMAND_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
