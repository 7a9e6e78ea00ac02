package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoints that asked us to back off (429 with Retry-After) or failed in a way that makes an
 * immediate retry pointless. Routing keeps them as last-resort fallbacks until the time is up.
 * Thread-safe and lock-free: one map entry per endpoint in cooldown.
 */
public final class EndpointCooldowns {
    private final Clock clock;
    private final ConcurrentHashMap<EndpointId, Long> untilMillis = new ConcurrentHashMap<>();
    private final HealthListener listener;

    public EndpointCooldowns(Clock clock) {
        this(clock, HealthListener.NONE);
    }

    /** Cooldowns that tell {@code listener} of every one started (or extended) here. */
    public EndpointCooldowns(Clock clock, HealthListener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    /** Starts or extends a cooldown; a shorter one never cuts a longer one short. */
    public void coolDown(EndpointId endpoint, Duration duration) {
        coolDownElsewhere(endpoint, duration);
        listener.coolingDown(endpoint, duration);
    }

    /** A cooldown another node started: applied here as {@link #coolDown} would, without telling the listener. */
    public void coolDownElsewhere(EndpointId endpoint, Duration duration) {
        long until = clock.millis() + Math.max(0, duration.toMillis());
        untilMillis.merge(endpoint, until, Math::max);
    }

    public boolean coolingDown(EndpointId endpoint) {
        Long until = untilMillis.get(endpoint);
        if (until == null) {
            return false;
        }
        if (until > clock.millis()) {
            return true;
        }
        untilMillis.remove(endpoint, until);
        return false;
    }

    /** Remaining cooldown, zero when none. */
    public Duration remaining(EndpointId endpoint) {
        Long until = untilMillis.get(endpoint);
        return until == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, until - clock.millis()));
    }
}
