package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LiveStatsTest {
    private final ManualClock clock = new ManualClock();
    private final EndpointCooldowns cooldowns = new EndpointCooldowns(clock);
    private final LiveStats stats = new LiveStats(clock, cooldowns);
    private final EndpointId endpoint = endpoint("acme");

    private static EndpointId endpoint(String provider) {
        return new EndpointId(new ModelId("test/model"), new ProviderId(provider));
    }

    @Test
    void withoutTrafficEverythingIsNullAndTheStatusOk() {
        LiveStats.View view = stats.view(endpoint);
        assertThat(view.uptime5m()).isNull();
        assertThat(view.latency30m()).isNull();
        assertThat(view.throughput30m()).isNull();
        assertThat(view.status()).isEqualTo("ok");
    }

    @Test
    void uptimeCountsSuccessesOverSuccessesAndErrorsLeavingRateLimitsOut() {
        for (int i = 0; i < 9; i++) {
            stats.success(endpoint, 100, 1_100, 50, true);
        }
        stats.error(endpoint);
        stats.rateLimited(endpoint);
        stats.rateLimited(endpoint);
        stats.cancelled(endpoint);

        assertThat(stats.view(endpoint).uptime5m()).isCloseTo(90.0, within(1e-9));
        assertThat(stats.view(endpoint).status()).as("below 95% over 5 minutes").isEqualTo("degraded");
    }

    @Test
    void rateLimitedAndCancelledAttemptsAreCountedApart() {
        EndpointStats raw = new EndpointStats();
        raw.rateLimited(100);
        raw.cancelled(100);
        raw.cancelled(101);
        raw.success(101, 10, null);
        assertThat(raw.setAside(101, 5)).containsExactly(1, 2);
        assertThat(raw.attempts(101, 5)).isEqualTo(1);
        assertThat(raw.uptime(101, 5)).isEqualTo(100.0);
    }

    @Test
    void windowsForgetWhatIsOlderThanThem() {
        stats.error(endpoint);
        stats.error(endpoint);
        stats.error(endpoint);
        assertThat(stats.view(endpoint).status()).isEqualTo("down");

        clock.advance(Duration.ofMinutes(6));
        stats.success(endpoint, 200, 200, 10, false);
        LiveStats.View view = stats.view(endpoint);
        assertThat(view.uptime5m()).isEqualTo(100.0);
        assertThat(view.uptime30m()).isEqualTo(25.0);
        assertThat(view.status()).isEqualTo("ok");

        clock.advance(Duration.ofMinutes(31));
        assertThat(stats.view(endpoint).uptime30m()).isNull();
        assertThat(stats.view(endpoint).latency30m()).as("histograms keep 30 minutes").isNull();
        assertThat(stats.view(endpoint).uptime1d()).isEqualTo(25.0);

        clock.advance(Duration.ofDays(1));
        assertThat(stats.view(endpoint).uptime1d()).isNull();
    }

    @Test
    void latencyIsTimeToFirstTokenAndThroughputTheTokensAfterIt() {
        // streamed: 100 tokens over the 2 s after a 500 ms first token → 50 tokens/s
        for (int i = 0; i < 100; i++) {
            stats.success(endpoint, 500, 2_500, 100, true);
        }
        // not streamed: 100 tokens over the whole 1 s → 100 tokens/s
        stats.success(endpoint, 1_000, 1_000, 100, false);

        LiveStats.View view = stats.view(endpoint);
        assertThat(view.latency30m().p50()).isBetween(495L, 505L);
        assertThat(view.latency30m().p99()).isBetween(495L, 1_010L);
        assertThat(view.throughput30m().p50()).isEqualTo(50);
        assertThat(view.throughput30m().p99()).isBetween(50L, 101L);
    }

    @Test
    void aCooldownShowsAsTheStatusAndEndpointsAreApart() {
        stats.success(endpoint, 100, 100, 1, false);
        cooldowns.coolDown(endpoint, Duration.ofSeconds(30));
        assertThat(stats.view(endpoint).status()).isEqualTo("cooldown");
        assertThat(stats.view(endpoint("other")).uptime5m()).isNull();
    }
}
