package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakersTest {
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final CircuitBreakers breakers = new CircuitBreakers(clock);
    private final EndpointId endpoint = new EndpointId(new ModelId("test/model"), new ProviderId("acme"));

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breakers.failure(endpoint, false);
        }
    }

    @Test
    void opensAfterConsecutiveFailuresAndASuccessInBetweenResets() {
        fail(CircuitBreakers.CONSECUTIVE_FAILURES - 1);
        breakers.success(endpoint);
        fail(CircuitBreakers.CONSECUTIVE_FAILURES - 1);
        assertThat(breakers.open(endpoint)).isFalse();
        fail(1);
        assertThat(breakers.open(endpoint)).isTrue();
    }

    @Test
    void aHighErrorRateOpensAtOnce() {
        breakers.failure(endpoint, true);
        assertThat(breakers.open(endpoint)).isTrue();
    }

    @Test
    void halfOpenProbesCloseOnSuccessAndBackOffOnFailure() {
        fail(CircuitBreakers.CONSECUTIVE_FAILURES);
        clock.now = clock.now.plusMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).as("half-open: probes may go").isFalse();

        fail(1); // the probe failed: open twice as long
        clock.now = clock.now.plusMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isTrue();
        clock.now = clock.now.plusMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isFalse();

        breakers.success(endpoint); // the probe answered: closed, and the backoff forgotten
        fail(CircuitBreakers.CONSECUTIVE_FAILURES);
        clock.now = clock.now.plusMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isFalse();
    }

    @Test
    void theOpenTimeIsCapped() {
        fail(CircuitBreakers.CONSECUTIVE_FAILURES);
        for (int i = 0; i < 20; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(10));
            fail(1);
        }
        clock.now = clock.now.plusMillis(CircuitBreakers.MAX_OPEN_MS - 1);
        assertThat(breakers.open(endpoint)).isTrue();
        clock.now = clock.now.plusMillis(1);
        assertThat(breakers.open(endpoint)).isFalse();
    }

    @Test
    void failuresWhileOpenChangeNothing() {
        fail(CircuitBreakers.CONSECUTIVE_FAILURES);
        fail(10);
        clock.now = clock.now.plusMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isFalse();
    }
}
