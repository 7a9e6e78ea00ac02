package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.store.EndpointMinute;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Endpoint stats survive a restart through a real (SQLite) store, without being counted twice. */
class StatsHistoryTest {
    private final ManualClock clock = new ManualClock();
    private final String url = TestStores.sqliteUrl();
    private final Store store = Stores.open(url);
    private final EndpointId endpoint = new EndpointId(new ModelId("test/model"), new ProviderId("acme"));

    @AfterEach
    void close() {
        store.close();
        TestStores.drop(url);
    }

    private LiveStats fresh() {
        return new LiveStats(clock, new EndpointCooldowns(clock));
    }

    private static void traffic(LiveStats stats, EndpointId endpoint, int successes, int errors, long latencyMs) {
        for (int i = 0; i < successes; i++) {
            stats.success(endpoint, latencyMs, latencyMs + 1_000, 100, true);
        }
        for (int i = 0; i < errors; i++) {
            stats.error(endpoint);
        }
    }

    @Test
    void aRestartKeepsUptimeLatencyAndThroughput() {
        LiveStats before = fresh();
        StatsHistory history = StatsHistory.start(before, store, clock);
        traffic(before, endpoint, 8, 2, 200);
        before.rateLimited(endpoint);
        history.close();

        LiveStats after = fresh();
        StatsHistory.start(after, store, clock).close();

        LiveStats.View view = after.view(endpoint);
        assertThat(view.uptime5m()).isCloseTo(80.0, within(1e-9));
        assertThat(view.latency30m().p50()).isBetween(198L, 202L);
        assertThat(view.throughput30m().p50()).as("100 tokens in the second after the first token").isBetween(99L, 101L);
        assertThat(store.endpointMinutes(0)).singleElement()
                .as("written once, not again by the process that read it back")
                .satisfies(m -> {
                    assertThat(m.successes()).isEqualTo(8);
                    assertThat(m.errors()).isEqualTo(2);
                    assertThat(m.rateLimited()).isEqualTo(1);
                });
    }

    @Test
    void repeatedWritesAddOnlyWhatIsNew() {
        LiveStats stats = fresh();
        StatsHistory history = StatsHistory.start(stats, store, clock);
        traffic(stats, endpoint, 3, 0, 100);
        history.write();
        history.write();
        traffic(stats, endpoint, 2, 1, 100);
        clock.advance(Duration.ofSeconds(70)); // into the next minute: the last one is still written
        traffic(stats, endpoint, 1, 0, 100);
        history.close();

        List<EndpointMinute> minutes = store.endpointMinutes(0);
        assertThat(minutes).extracting(EndpointMinute::successes).containsExactly(5L, 1L);
        assertThat(minutes).extracting(EndpointMinute::errors).containsExactly(1L, 0L);
        assertThat(store.endpointHistograms(0)).hasSize(2);
    }

    @Test
    void twoNodesAddUpInTheStore() {
        LiveStats first = fresh();
        LiveStats second = fresh();
        StatsHistory a = StatsHistory.start(first, store, clock);
        StatsHistory b = StatsHistory.start(second, store, clock);
        traffic(first, endpoint, 4, 0, 100);
        traffic(second, endpoint, 1, 5, 100);
        a.close();
        b.close();

        LiveStats restarted = fresh();
        StatsHistory.start(restarted, store, clock).close();
        assertThat(restarted.view(endpoint).uptime5m()).isCloseTo(50.0, within(1e-9));
        assertThat(store.endpointHistograms(0)).as("one histogram row per node").hasSize(2);
    }

    @Test
    void theUptimeStripCoversSeventyTwoHoursFromTheStore() {
        long hour = Math.floorDiv(clock.millis(), 3_600_000L);
        // two days ago: older than what a node keeps in memory
        long twoDaysAgo = (hour - 48) * 60;
        store.addEndpointMinutes(List.of(
                new EndpointMinute(twoDaysAgo + 5, "test/model", "acme", 3, 1, 0, 0),
                new EndpointMinute(twoDaysAgo + 40, "test/model", "acme", 1, 0, 7, 0),
                new EndpointMinute((hour - 80) * 60, "test/model", "acme", 0, 9, 0, 0)));

        LiveStats stats = fresh();
        StatsHistory history = StatsHistory.start(stats, store, clock);
        traffic(stats, endpoint, 1, 1, 100);

        List<LiveStats.HourUptime> strip = stats.uptimeHourly(endpoint);
        assertThat(strip).hasSize(LiveStats.HISTORY_HOURS);
        assertThat(strip.getLast().hourStartMillis()).isEqualTo(hour * 3_600_000L);
        assertThat(strip.getLast().uptime()).as("this hour, from memory").isCloseTo(50.0, within(1e-9));
        assertThat(strip.get(LiveStats.HISTORY_HOURS - 1 - 48).uptime()).as("48 hours ago: 4 of 5, rate limits left out")
                .isCloseTo(80.0, within(1e-9));
        assertThat(strip.stream().filter(h -> h.uptime() != null)).as("80 hours ago is outside the strip").hasSize(2);
        history.close();
    }

    @Test
    void oldRowsAreRemoved() {
        long now = Math.floorDiv(clock.millis(), 60_000L);
        store.addEndpointMinutes(List.of(new EndpointMinute(now - StatsHistory.KEEP_COUNTS_MINUTES - 1, "test/model", "acme",
                1, 0, 0, 0), new EndpointMinute(now - 10, "test/model", "acme", 1, 0, 0, 0)));
        store.deleteEndpointStatsBefore(now - StatsHistory.KEEP_COUNTS_MINUTES, now - StatsHistory.KEEP_HISTOGRAM_MINUTES);
        assertThat(store.endpointMinutes(0)).extracting(EndpointMinute::minute).containsExactly(now - 10);
    }
}
