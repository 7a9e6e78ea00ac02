package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Cluster mode: every node shows the same endpoint figures, read from the shared store, with its
 * own unwritten part added and nothing counted twice. Two {@link LiveStats} on one real store play
 * two nodes; writes and reads are driven by hand instead of the history's timer.
 */
class ClusterStatsTest {
    private final ManualClock clock = new ManualClock();
    private final String url = TestStores.postgresUrl();
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

    private static void traffic(LiveStats stats, int successes, int errors, long latencyMs, EndpointId endpoint) {
        for (int i = 0; i < successes; i++) {
            stats.success(endpoint, latencyMs, latencyMs + 1_000, 50, true);
        }
        for (int i = 0; i < errors; i++) {
            stats.error(endpoint);
        }
    }

    @Test
    void aNodeShowsWhatAnotherNodeRecorded() {
        LiveStats a = fresh();
        LiveStats b = fresh();
        StatsHistory historyA = StatsHistory.start(a, store, clock, true);
        StatsHistory historyB = StatsHistory.start(b, store, clock, true);
        traffic(a, 8, 2, 200, endpoint);
        assertThat(b.view(endpoint).uptime5m()).as("nothing written yet").isNull();

        historyA.write();
        historyB.refresh();
        LiveStats.View onB = b.view(endpoint);
        assertThat(onB.uptime5m()).isCloseTo(80.0, within(1e-9));
        assertThat(onB.uptime30m()).isCloseTo(80.0, within(1e-9));
        assertThat(onB.uptime1d()).isCloseTo(80.0, within(1e-9));
        assertThat(onB.latency30m().p50()).isBetween(198L, 202L);
        assertThat(onB.throughput30m().p50()).isBetween(49L, 51L);
        assertThat(b.latency30m(endpoint).p50()).as("routing reads the same figures").isBetween(198L, 202L);
        historyA.close();
        historyB.close();
    }

    @Test
    void bothNodesAddUpAndTheWritingNodeCountsItsOwnPartOnce() {
        LiveStats a = fresh();
        LiveStats b = fresh();
        StatsHistory historyA = StatsHistory.start(a, store, clock, true);
        StatsHistory historyB = StatsHistory.start(b, store, clock, true);
        traffic(a, 6, 0, 100, endpoint);
        traffic(b, 0, 6, 100, endpoint);
        assertThat(a.view(endpoint).uptime5m()).as("a node's own attempts count before they are written").isEqualTo(100.0);

        historyA.write();
        historyB.write();
        historyA.refresh();
        historyB.refresh();
        assertThat(a.view(endpoint).uptime5m()).isCloseTo(50.0, within(1e-9));
        assertThat(b.view(endpoint).uptime5m()).isCloseTo(50.0, within(1e-9));
        assertThat(a.view(endpoint).status()).as("cluster-wide 50%: degraded").isEqualTo("degraded");
        assertThat(b.view(endpoint).status()).as("B's own six errors opened its breaker").isEqualTo("down");

        // A's newer attempts: A counts them at once, B once A has written and B has read
        traffic(a, 4, 0, 100, endpoint);
        assertThat(a.view(endpoint).uptime5m()).isCloseTo(10 * 100.0 / 16, within(1e-9));
        assertThat(b.view(endpoint).uptime5m()).isCloseTo(50.0, within(1e-9));
        historyA.write();
        historyB.refresh();
        historyA.refresh();
        assertThat(b.view(endpoint).uptime5m()).isCloseTo(10 * 100.0 / 16, within(1e-9));
        assertThat(a.view(endpoint).uptime5m()).as("written and read back: still once").isCloseTo(10 * 100.0 / 16, within(1e-9));
        historyA.close();
        historyB.close();
    }

    @Test
    void aRestartedNodeDoesNotCountItsHistoryTwice() {
        LiveStats before = fresh();
        StatsHistory history = StatsHistory.start(before, store, clock, true);
        traffic(before, 3, 1, 300, endpoint);
        history.close();

        LiveStats after = fresh();
        StatsHistory restarted = StatsHistory.start(after, store, clock, true);
        LiveStats.View view = after.view(endpoint);
        assertThat(view.uptime5m()).isCloseTo(75.0, within(1e-9));
        assertThat(view.latency30m().p50()).isBetween(297L, 303L);
        // 3 at 300 and 3 at 100 have their median at 100; the restored ones counted twice would put it at 300
        traffic(after, 3, 0, 100, endpoint);
        assertThat(after.view(endpoint).latency30m().p50()).isBetween(99L, 101L);
        assertThat(after.view(endpoint).uptime5m()).isCloseTo(6 * 100.0 / 7, within(1e-9));
        restarted.close();
    }

    @Test
    void figuresLeaveTheWindowAsTimePasses() {
        LiveStats a = fresh();
        LiveStats b = fresh();
        StatsHistory historyA = StatsHistory.start(a, store, clock, true);
        StatsHistory historyB = StatsHistory.start(b, store, clock, true);
        traffic(a, 1, 3, 100, endpoint);
        historyA.write();
        historyB.refresh();
        assertThat(b.view(endpoint).uptime5m()).isCloseTo(25.0, within(1e-9));

        clock.advance(Duration.ofMinutes(10));
        historyB.refresh();
        LiveStats.View later = b.view(endpoint);
        assertThat(later.uptime5m()).as("older than five minutes").isNull();
        assertThat(later.uptime30m()).isCloseTo(25.0, within(1e-9));
        assertThat(later.uptime1d()).isCloseTo(25.0, within(1e-9));
        historyA.close();
        historyB.close();
    }
}
