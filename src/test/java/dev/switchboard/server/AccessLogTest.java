package dev.switchboard.server;

import dev.switchboard.gateway.RequestSummary;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Access-log lines are always one line, whatever a key name or app header holds. */
class AccessLogTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static RequestSummary summary(String keyName, String app) {
        return new RequestSummary("gen-1-abc", "chat", keyName, app, "openai/gpt-4.1", "openai", 200, "success", 12, 34,
                "0.000296", 812, 190L, true, 2, "stop");
    }

    @Test
    void textQuotesAndEscapesFreeFormValues() {
        String line = AccessLog.text(NOW, "POST", "/v1/chat/completions", 200, 812,
                summary("team \"a\" key=1", "line\nbreak\u0007"));

        assertThat(line).doesNotContain("\n")
                .contains(" key=\"team \\\"a\\\" key=1\"", " app=\"line\\nbreak\\u0007\"")
                .startsWith("time=2026-12-01T12:00:00Z method=POST route=/v1/chat/completions status=200 outcome=success")
                .contains(" model=openai/gpt-4.1 provider=openai prompt_tokens=12 completion_tokens=34 cost_usd=0.000296"
                        + " latency_ms=812 ttft_ms=190 streamed=true attempts=2 finish_reason=stop");
    }

    @Test
    void absentValuesAreADash() {
        String line = AccessLog.text(NOW, "POST", "/v1/embeddings", 404, 3,
                new RequestSummary("gen-2", "embeddings", null, null, null, null, 404, "error", 0, 0, "0", 3, null,
                        false, 0, null));

        assertThat(line).contains(" key=- model=- provider=- ", " ttft_ms=- ", " finish_reason=- app=-");
    }

    @Test
    void jsonIsOneObjectPerLine() {
        String line = AccessLog.json(NOW, "POST", "/v1/chat/completions", 200, 812, summary("a\nb", null));

        assertThat(line).doesNotContain("\n");
        var json = Json.parse(line);
        assertThat(json.get("key").asText()).isEqualTo("a\nb");
        assertThat(json.get("cost_usd").decimalValue()).isEqualByComparingTo("0.000296");
        assertThat(json.get("app").isNull()).isTrue();
        assertThat(Json.parse(AccessLog.json(NOW, "GET", "/healthz", 200, 1, null)).size()).isEqualTo(5);
    }
}
