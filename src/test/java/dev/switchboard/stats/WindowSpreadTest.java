package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.testing.ManualClock;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Min, max and mean of first-token latency and throughput over the 30-minute window, beside the percentiles. */
class WindowSpreadTest {
    private final ManualClock clock = new ManualClock();
    private final LiveStats stats = new LiveStats(clock, new EndpointCooldowns(clock));
    private final EndpointId endpoint = new EndpointId(new ModelId("test/model"), new ProviderId("acme"));

    @Test
    void latencyMinMaxAndMeanCoverEveryAttemptOfTheWindow() {
        // values under 256 are exact in a 2-significant-digit HdrHistogram
        stats.success(endpoint, 100, 100, 0, false);
        clock.advance(Duration.ofMinutes(3));
        stats.success(endpoint, 40, 40, 0, false);
        stats.success(endpoint, 250, 250, 0, false);

        EndpointStats.Percentiles latency = stats.view(endpoint).latency30m();

        assertThat(latency.min()).isEqualTo(40);
        assertThat(latency.max()).isEqualTo(250);
        assertThat(latency.mean()).isCloseTo(130.0, within(1e-9));
        assertThat(latency.p50()).isBetween(latency.min(), latency.max());
    }

    @Test
    void throughputMinMaxAndMeanComeFromTheTokensAfterTheFirst() {
        stats.success(endpoint, 100, 1_100, 50, true); // 50 tokens in 1 s after the first: 50 tok/s
        stats.success(endpoint, 100, 600, 100, true); // 200 tok/s
        stats.success(endpoint, 0, 2_000, 200, false); // not streamed: 200 tokens over 2 s, 100 tok/s

        EndpointStats.Percentiles throughput = stats.view(endpoint).throughput30m();

        assertThat(throughput.min()).isEqualTo(50);
        assertThat(throughput.max()).isEqualTo(200);
        assertThat(throughput.mean()).isCloseTo(350 / 3.0, within(1e-9));
    }

    @Test
    void valuesOlderThanTheWindowLeaveTheSpread() {
        stats.success(endpoint, 10, 10, 0, false);
        clock.advance(Duration.ofMinutes(20));
        stats.success(endpoint, 200, 200, 0, false);
        assertThat(stats.view(endpoint).latency30m().min()).isEqualTo(10);

        clock.advance(Duration.ofMinutes(11));
        EndpointStats.Percentiles latency = stats.view(endpoint).latency30m();

        assertThat(latency.min()).isEqualTo(200);
        assertThat(latency.max()).isEqualTo(200);
        assertThat(latency.mean()).isCloseTo(200.0, within(1e-9));
    }

    @Test
    void largeValuesStayWithinTheHistogramsOnePercent() {
        EndpointStats raw = new EndpointStats();
        raw.success(7, 1_000, null);
        raw.success(7, 45_000, null);

        EndpointStats.Percentiles latency = raw.latency(7);

        assertThat(latency.min()).isCloseTo(1_000, within(10L));
        assertThat(latency.max()).isCloseTo(45_000, within(450L));
        assertThat(latency.mean()).isCloseTo(23_000.0, within(230.0));
    }

    @Test
    void histogramsRestoredFromAnEarlierProcessCount() {
        EndpointStats raw = new EndpointStats();
        Histogram earlierLatency = EndpointStats.newHistogram();
        earlierLatency.recordValue(5);
        Histogram earlierThroughput = EndpointStats.newHistogram();
        earlierThroughput.recordValue(90);
        raw.restoreHistograms(7, earlierLatency, earlierThroughput);
        raw.success(7, 80, 30.0);

        assertThat(raw.latency(7).min()).isEqualTo(5);
        assertThat(raw.latency(7).max()).isEqualTo(80);
        assertThat(raw.throughput(7).min()).isEqualTo(30);
        assertThat(raw.throughput(7).max()).isEqualTo(90);
        assertThat(raw.throughput(7).mean()).isCloseTo(60.0, within(1e-9));
    }
}
