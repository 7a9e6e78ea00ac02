package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakersTest {
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
        clock.advanceMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).as("half-open: probes may go").isFalse();

        fail(1); // the probe failed: open twice as long
        clock.advanceMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isTrue();
        clock.advanceMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isFalse();

        breakers.success(endpoint); // the probe answered: closed, and the backoff forgotten
        fail(CircuitBreakers.CONSECUTIVE_FAILURES);
        clock.advanceMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isFalse();
    }

    /** Another node opened the breaker: open here for the same time, then half-open as if opened here. */
    @Test
    void aBreakerOpenedElsewhereIsOpenHereForTheSameTime() {
        List<Duration> told = new ArrayList<>();
        CircuitBreakers shared = new CircuitBreakers(clock, CircuitBreakers.Settings.DEFAULT, new HealthListener() {
            @Override
            public void breakerOpened(EndpointId endpoint, Duration openFor) {
                told.add(openFor);
            }

            @Override
            public void coolingDown(EndpointId endpoint, Duration remaining) {
            }
        });
        shared.openedElsewhere(endpoint, Duration.ofSeconds(20));
        assertThat(shared.open(endpoint)).isTrue();
        assertThat(told).as("what another node found is not told back").isEmpty();

        shared.openedElsewhere(endpoint, Duration.ofSeconds(5)); // a shorter one never cuts it short
        clock.advanceMillis(19_000);
        assertThat(shared.open(endpoint)).isTrue();
        clock.advanceMillis(1_000);
        assertThat(shared.open(endpoint)).as("half-open").isFalse();

        shared.failure(endpoint, false); // the probe failed: open again for twice as long, and told
        assertThat(told).containsExactly(Duration.ofSeconds(40));
        clock.advanceMillis(39_999);
        assertThat(shared.open(endpoint)).isTrue();
    }

    @Test
    void opensAreToldToTheListenerOnce() {
        List<Duration> told = new ArrayList<>();
        CircuitBreakers shared = new CircuitBreakers(clock, CircuitBreakers.Settings.DEFAULT, new HealthListener() {
            @Override
            public void breakerOpened(EndpointId endpoint, Duration openFor) {
                told.add(openFor);
            }

            @Override
            public void coolingDown(EndpointId endpoint, Duration remaining) {
            }
        });
        for (int i = 0; i < CircuitBreakers.CONSECUTIVE_FAILURES + 3; i++) {
            shared.failure(endpoint, false);
        }
        assertThat(told).containsExactly(Duration.ofMillis(CircuitBreakers.FIRST_OPEN_MS));
    }

    @Test
    void theOpenTimeIsCapped() {
        fail(CircuitBreakers.CONSECUTIVE_FAILURES);
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMinutes(10));
            fail(1);
        }
        clock.advanceMillis(CircuitBreakers.MAX_OPEN_MS - 1);
        assertThat(breakers.open(endpoint)).isTrue();
        clock.advanceMillis(1);
        assertThat(breakers.open(endpoint)).isFalse();
    }

    @Test
    void failuresWhileOpenChangeNothing() {
        fail(CircuitBreakers.CONSECUTIVE_FAILURES);
        fail(10);
        clock.advanceMillis(CircuitBreakers.FIRST_OPEN_MS);
        assertThat(breakers.open(endpoint)).isFalse();
    }

    @Test
    void configuredSettingsReplaceEveryDefault() {
        CircuitBreakers custom = new CircuitBreakers(clock, new CircuitBreakers.Settings(2, 0.2, 4, 1_000, 3_000));
        custom.failure(endpoint, false);
        assertThat(custom.open(endpoint)).isFalse();
        custom.failure(endpoint, false);
        assertThat(custom.open(endpoint)).as("two in a row").isTrue();

        clock.advanceMillis(1_000);
        assertThat(custom.open(endpoint)).as("half-open after open_ms").isFalse();
        custom.failure(endpoint, false);
        clock.advanceMillis(1_999);
        assertThat(custom.open(endpoint)).as("a failed probe doubles the time").isTrue();
        clock.advanceMillis(1);
        custom.failure(endpoint, false);
        clock.advanceMillis(2_999);
        assertThat(custom.open(endpoint)).as("capped at max_open_ms, not 4 s").isTrue();
        clock.advanceMillis(1);
        assertThat(custom.open(endpoint)).isFalse();
    }
}
