package dev.switchboard.e2e;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/** With a collector configured, spans leave over OTLP/HTTP (the JDK sender) to its /v1/traces. */
class OtlpExportTest {

    @Test
    void spansReachTheConfiguredCollector() {
        try (FakeUpstream collector = FakeUpstream.start(); FakeUpstream alpha = FakeUpstream.start()) {
            collector.always(json(200, "{}"));
            alpha.enqueue(fixture(200, "openai/chat_nonstream.json"));
            String collectorUrl = "http://127.0.0.1:" + collector.port();
            try (TestGateway gateway = TestGateway.start("providers:\n" + Upstreams.provider("alpha", alpha)
                    + "models:\n" + Upstreams.model("test/model", "alpha")
                    + "observability: { tracing: { service_name: sb-test } }\n",
                    Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collectorUrl))) {
                assertThat(gateway.post("/v1/chat/completions",
                        "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode())
                        .isEqualTo(200);
            } // stopping flushes the batch

            assertThat(collector.received()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/v1/traces");
                assertThat(r.header("content-type")).isEqualTo("application/x-protobuf");
            });
            String exported = collector.received().stream()
                    .map(r -> new String(r.body(), StandardCharsets.ISO_8859_1))
                    .reduce("", String::concat);
            // protobuf keeps strings as they are: the span names and the service name are readable
            assertThat(exported).contains("chat test/model", "chat upstream-alpha", "sb-test", "gen_ai.provider.name");
            assertThat(alpha.last().header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        }
    }
}
