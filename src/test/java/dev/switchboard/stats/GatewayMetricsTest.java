package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Meters are registered once per label combination, labels stay within the catalog, and disabled means nothing. */
class GatewayMetricsTest {
    static final EndpointId GPT_AT_OPENAI = new EndpointId(new ModelId("openai/gpt-4.1"), new ProviderId("openai"));

    final MeterRegistry registry = new SimpleMeterRegistry();
    final GatewayMetrics metrics = new GatewayMetrics(registry);

    private static GatewayMetrics.RequestSeries served(GatewayMetrics.Outcome outcome) {
        return new GatewayMetrics.RequestSeries("chat", "/v1/chat/completions", "openai/gpt-4.1", GPT_AT_OPENAI,
                outcome, 200);
    }

    @Test
    void aSeenSeriesRegistersNothingNew() {
        metrics.requestEnded(served(GatewayMetrics.Outcome.SUCCESS), 2_000_000_000L, 300_000_000L, 100, 51, 0.0012);
        int meters = registry.getMeters().size();

        metrics.requestEnded(served(GatewayMetrics.Outcome.SUCCESS), 1_000_000_000L, 200_000_000L, 10, 11, 0.0003);

        assertThat(registry.getMeters()).hasSize(meters);
        assertThat(registry.get("switchboard.requests").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().totalAmount())
                .isEqualTo(110.0);
        assertThat(registry.get("switchboard.cost").counter().count()).isEqualTo(0.0015, org.assertj.core.data.Offset.offset(1e-12));
        // (2 s − 0.3 s) / 50 tokens after the first = 34 ms; (1 s − 0.2 s) / 10 = 80 ms
        assertThat(registry.get("gen_ai.server.time_per_output_token").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(114.0);
    }

    @Test
    void aRequestNothingServedIsCountedAndTimedWithoutTokenMeters() {
        metrics.requestEnded(new GatewayMetrics.RequestSeries("chat", "/v1/chat/completions", GatewayMetrics.NONE, null,
                GatewayMetrics.Outcome.ERROR, 404), 1_000_000L, -1, 0, 0, 0);

        assertThat(registry.get("switchboard.requests").tag("provider", "none").tag("status", "404").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("gen_ai.client.operation.duration").tag("outcome", "error").timer().count()).isEqualTo(1);
        assertThat(registry.find("gen_ai.client.token.usage").meters()).isEmpty();
        assertThat(registry.find("gen_ai.server.time_to_first_token").meters()).isEmpty();
    }

    @Test
    void attemptsAreInFlightUntilTheyEnd() {
        metrics.attemptStarted(GPT_AT_OPENAI);
        assertThat(registry.get("switchboard.upstream.in_flight").tag("provider", "openai").gauge().value()).isEqualTo(1.0);

        metrics.attemptEnded(GPT_AT_OPENAI, GatewayMetrics.Outcome.RATE_LIMITED);
        metrics.fallback(GPT_AT_OPENAI);

        assertThat(registry.get("switchboard.upstream.in_flight").gauge().value()).isZero();
        assertThat(registry.get("switchboard.upstream.attempts").tag("outcome", "rate_limited").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("switchboard.fallbacks").tag("model", "openai/gpt-4.1").counter().count()).isEqualTo(1.0);
    }

    @Test
    void gaugesReadTheirSourcesAtScrapeTime() {
        int[] depth = {3};
        metrics.bindGauges(() -> depth[0], 100, () -> 2);
        depth[0] = 7;

        assertThat(registry.get("switchboard.ledger.queue.depth").gauge().value()).isEqualTo(7.0);
        assertThat(registry.get("switchboard.ledger.queue.capacity").gauge().value()).isEqualTo(100.0);
        assertThat(registry.get("switchboard.circuit_breakers.open").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void countsSetAsideLedgerRowsAtScrapeTime() {
        long[] setAside = {0};
        metrics.bindLedgerSetAside(() -> setAside[0]);
        setAside[0] = 2;

        assertThat(registry.get("switchboard.ledger.rows.set_aside").functionCounter().count()).isEqualTo(2.0);
    }

    @Test
    void disabledMetricsRecordNothing() {
        GatewayMetrics off = GatewayMetrics.disabled();

        off.requestEnded(served(GatewayMetrics.Outcome.SUCCESS), 1, 1, 1, 1, 1);
        off.attemptStarted(GPT_AT_OPENAI);
        off.attemptEnded(GPT_AT_OPENAI, GatewayMetrics.Outcome.SUCCESS);
        off.httpRequest(new GatewayMetrics.HttpSeries("GET", "/v1/models", 200), 1);

        assertThat(off.enabled()).isFalse();
        assertThat(metrics.enabled()).isTrue();
    }
}
