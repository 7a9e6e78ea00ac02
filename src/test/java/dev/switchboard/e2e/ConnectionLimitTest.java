package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code providers[].max_connections}: past it a request is not queued behind the open ones but
 * goes to another endpoint, or is refused at once with a 503 that names our limit; the provider's
 * health is not touched, and every slot comes back when its exchange ends.
 */
@Timeout(60)
class ConnectionLimitTest {
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void requestsPastTheLimitFallBackOrAreRefusedAtOnceAndSlotsComeBack() throws Exception {
        try (FakeUpstream small = FakeUpstream.start(); FakeUpstream spare = FakeUpstream.start()) {
            small.always(FakeUpstream.hang());
            spare.always(fixture(200, "openai/chat_nonstream.json"));
            String yaml = "providers:\n"
                    + Upstreams.provider("small", small, "max_connections: 2\ntimeouts: { first_token_ms: 3000 }")
                    + Upstreams.provider("spare", spare) + "models:\n" + Upstreams.model("test/model", "small", "spare");
            try (TestGateway gateway = TestGateway.start(yaml)) {
                HttpClient client = HttpClient.newHttpClient();
                List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    held.add(client.sendAsync(chat(gateway, "\"provider\":{\"only\":[\"small\"]}"),
                            HttpResponse.BodyHandlers.ofString()));
                }
                Poll.until(small::requestCount, n -> n == 2, Duration.ofSeconds(10));

                HttpResponse<String> fellBack = gateway.post("/v1/chat/completions",
                        "{\"model\":\"test/model\"," + HI + ",\"provider\":{\"order\":[\"small\",\"spare\"]}}");
                assertThat(fellBack.statusCode()).isEqualTo(200);
                assertThat(Json.parse(fellBack.body()).path("provider").asText()).isEqualTo("Spare");

                long before = System.nanoTime();
                HttpResponse<String> refused = gateway.post("/v1/chat/completions",
                        "{\"model\":\"test/model\"," + HI + ",\"provider\":{\"only\":[\"small\"]}}");
                assertThat(Duration.ofNanos(System.nanoTime() - before)).as("refused at once, not after a wait")
                        .isLessThan(Duration.ofSeconds(2));
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                JsonNode error = Json.parse(refused.body()).path("error");
                assertThat(error.path("type").asText()).isEqualTo("service_unavailable");
                assertThat(error.path("message").asText()).contains("max_connections");
                assertThat(error.path("metadata").path("attempts").get(0).path("status").asInt()).isEqualTo(503);
                assertThat(small.requestCount()).as("the refused requests never reached the provider").isEqualTo(2);
                JsonNode smallEndpoint = endpoint(gateway, "small");
                assertThat(smallEndpoint.path("uptime_last_5m").isNull()).as("our limit is not the provider's failure")
                        .isTrue();
                assertThat(smallEndpoint.path("status").asText()).isEqualTo("ok");

                // the held requests end at their first-token deadline; their slots come back
                for (CompletableFuture<HttpResponse<String>> h : held) {
                    assertThat(h.get().statusCode()).isEqualTo(504);
                }
                small.always(fixture(200, "openai/chat_nonstream.json"));
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> served = gateway.post("/v1/chat/completions",
                            "{\"model\":\"test/model\"," + HI + ",\"provider\":{\"only\":[\"small\"]}}");
                    assertThat(served.statusCode()).isEqualTo(200);
                }
                // a stream gives its slot back at its end, and an error answer at once
                small.always(FakeUpstream.sse(Fixtures.text("openai/chat_stream_text.sse")));
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> streamed = gateway.post("/v1/chat/completions", "{\"model\":\"test/model\","
                            + HI + ",\"stream\":true,\"provider\":{\"only\":[\"small\"]}}");
                    assertThat(streamed.body()).contains("[DONE]").doesNotContain("max_connections");
                }
                small.always(fixture(400, "openai/error_401.json"));
                for (int i = 0; i < 3; i++) {
                    assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"test/model\"," + HI
                            + ",\"provider\":{\"only\":[\"small\"]}}").statusCode()).isEqualTo(400);
                }
                Poll.until(() -> gateway.server().gateway().upstreamLeases().open(new ProviderId("small")), n -> n == 0,
                        Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aZeroLimitIsAConfigurationError() {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            String yaml = "providers:\n" + Upstreams.provider("small", upstream, "max_connections: 0")
                    + "models:\n" + Upstreams.model("test/model", "small");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGateway.start(yaml).close())
                    .hasMessageContaining("max_connections");
        }
    }

    private static HttpRequest chat(TestGateway gateway, String provider) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"test/model\"," + HI + "," + provider + "}"))
                .build();
    }

    private static JsonNode endpoint(TestGateway gateway, String provider) {
        JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/test/model/endpoints").body())
                .path("data").path("endpoints");
        return StreamSupport.stream(endpoints.spliterator(), false)
                .filter(e -> e.path("tag").asText().startsWith(provider))
                .findFirst().orElseThrow();
    }
}
