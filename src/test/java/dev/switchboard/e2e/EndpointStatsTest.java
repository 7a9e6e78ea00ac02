package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.StreamSupport;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.sseEvents;
import static org.assertj.core.api.Assertions.assertThat;

/** The endpoints API reports uptime, latency and throughput measured from this gateway's own traffic. */
class EndpointStatsTest {

    @Test
    void trafficShowsUpInTheEndpointsApi() {
        try (FakeUpstream steady = FakeUpstream.start(); FakeUpstream flaky = FakeUpstream.start();
             TestGateway gateway = TestGateway.start("providers:\n" + Upstreams.provider("steady", steady)
                     + Upstreams.provider("flaky", flaky) + "models:\n" + Upstreams.model("test/model", "steady", "flaky"))) {
            steady.always(fixture(200, "openai/chat_nonstream.json"));
            flaky.always(fixture(500, "openai/error_401.json"));
            String body = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"provider\":{\"order\":[\"flaky\",\"steady\"]}}";
            for (int i = 0; i < 4; i++) {
                assertThat(gateway.post("/v1/chat/completions", body).statusCode()).isEqualTo(200);
            }
            steady.enqueue(sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 2));
            assertThat(gateway.post("/v1/chat/completions", body.replace("{\"model\"", "{\"stream\":true,\"model\""))
                    .statusCode()).isEqualTo(200);

            JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/test/model/endpoints").body())
                    .path("data").path("endpoints");
            JsonNode steadyStats = byTag(endpoints, "steady");
            JsonNode flakyStats = byTag(endpoints, "flaky");

            assertThat(steadyStats.path("uptime_last_5m").asDouble()).isEqualTo(100.0);
            assertThat(steadyStats.path("uptime_last_1d").asDouble()).isEqualTo(100.0);
            assertThat(steadyStats.path("status").asText()).isEqualTo("ok");
            assertThat(steadyStats.path("latency_last_30m").path("p50").isNumber()).isTrue();
            assertThat(steadyStats.path("latency_last_30m").path("p99").asLong())
                    .isGreaterThanOrEqualTo(steadyStats.path("latency_last_30m").path("p50").asLong());
            assertThat(steadyStats.path("throughput_last_30m").path("p50").isNumber()).isTrue();

            assertThat(flakyStats.path("uptime_last_5m").asDouble()).isZero();
            assertThat(flakyStats.path("status").asText()).isEqualTo("down");
            assertThat(flakyStats.path("latency_last_30m").isNull()).isTrue();
        }
    }

    /** Stats live through a restart: the next process reads them back from the store, on SQLite and PostgreSQL. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRestartKeepsTheMeasuredStats(String kind) {
        String database = TestStores.url(kind);
        try (FakeUpstream steady = FakeUpstream.start(); FakeUpstream flaky = FakeUpstream.start()) {
            String yaml = "storage: { database: \"" + database + "\" }\nproviders:\n" + Upstreams.provider("steady", steady)
                    + Upstreams.provider("flaky", flaky) + "models:\n" + Upstreams.model("test/model", "steady", "flaky");
            steady.always(FakeUpstream.delayed(50, fixture(200, "openai/chat_nonstream.json")));
            flaky.always(fixture(500, "openai/error_401.json"));
            String body = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"provider\":{\"order\":[\"flaky\",\"steady\"]}}";
            JsonNode before;
            try (TestGateway gateway = TestGateway.start(yaml)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(gateway.post("/v1/chat/completions", body).statusCode()).isEqualTo(200);
                }
                before = Json.parse(gateway.get("/api/v1/models/test/model/endpoints").body()).path("data").path("endpoints");
            }
            try (TestGateway restarted = TestGateway.start(yaml)) {
                JsonNode after = Json.parse(restarted.get("/api/v1/models/test/model/endpoints").body())
                        .path("data").path("endpoints");
                for (String tag : new String[] {"steady", "flaky"}) {
                    assertThat(byTag(after, tag).path("uptime_last_5m")).as(tag).isEqualTo(byTag(before, tag).path("uptime_last_5m"));
                    assertThat(byTag(after, tag).path("uptime_last_1d")).as(tag).isEqualTo(byTag(before, tag).path("uptime_last_1d"));
                    assertThat(byTag(after, tag).path("latency_last_30m")).as(tag)
                            .isEqualTo(byTag(before, tag).path("latency_last_30m"));
                    JsonNode strip = byTag(after, tag).path("uptime_hourly");
                    assertThat(strip.size()).isEqualTo(72);
                    assertThat(strip.get(71).path("uptime").asDouble()).as(tag)
                            .isEqualTo(byTag(before, tag).path("uptime_last_5m").asDouble());
                }
                assertThat(byTag(after, "steady").path("latency_last_30m").path("p50").asLong()).isGreaterThanOrEqualTo(50);
                assertThat(byTag(after, "flaky").path("uptime_last_5m").asDouble()).isZero();
            }
        } finally {
            TestStores.drop(database);
        }
    }

    /** With a slow and a fast provider measured, sort: latency and preferred_max_latency pick the fast one. */
    @Test
    void routingBySpeedUsesWhatWasMeasured() {
        try (FakeUpstream slow = FakeUpstream.start(); FakeUpstream fast = FakeUpstream.start();
             TestGateway gateway = TestGateway.start("providers:\n" + Upstreams.provider("slow", slow)
                     + Upstreams.provider("fast", fast) + "models:\n" + Upstreams.model("test/model", "slow", "fast"))) {
            slow.always(FakeUpstream.delayed(300, fixture(200, "openai/chat_nonstream.json")));
            fast.always(fixture(200, "openai/chat_nonstream.json"));
            for (String only : new String[] {"slow", "fast", "slow", "fast"}) {
                assertThat(gateway.post("/v1/chat/completions", request("\"only\":[\"" + only + "\"]")).statusCode())
                        .isEqualTo(200);
            }

            for (int i = 0; i < 5; i++) {
                assertThat(servedBy(gateway, request("\"sort\":\"latency\""))).isEqualTo("Fast");
                assertThat(servedBy(gateway, request("\"preferred_max_latency\":0.1"))).isEqualTo("Fast");
            }
            assertThat(servedBy(gateway, request("\"sort\":\"latency\",\"ignore\":[\"fast\"]"))).isEqualTo("Slow");
        }
    }

    /** After five failures in a row an endpoint's breaker opens: it is kept only as a last resort. */
    @Test
    void anEndpointThatKeepsFailingIsSkippedWhileItsBreakerIsOpen() {
        try (FakeUpstream steady = FakeUpstream.start(); FakeUpstream flaky = FakeUpstream.start();
             TestGateway gateway = TestGateway.start("providers:\n" + Upstreams.provider("steady", steady)
                     + Upstreams.provider("flaky", flaky) + "models:\n" + Upstreams.model("test/model", "steady", "flaky"))) {
            steady.always(fixture(200, "openai/chat_nonstream.json"));
            flaky.always(fixture(500, "openai/error_401.json"));
            for (int i = 0; i < 5; i++) {
                assertThat(servedBy(gateway, request("\"order\":[\"flaky\",\"steady\"]"))).isEqualTo("Steady");
            }
            int flakyCalls = flaky.requestCount();

            for (int i = 0; i < 10; i++) {
                assertThat(servedBy(gateway, request("\"sort\":\"price\""))).isEqualTo("Steady");
                assertThat(servedBy(gateway, "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .isEqualTo("Steady");
            }
            assertThat(flaky.requestCount()).as("not tried while open").isEqualTo(flakyCalls);
            JsonNode endpoints = Json.parse(gateway.get("/api/v1/models/test/model/endpoints").body())
                    .path("data").path("endpoints");
            assertThat(byTag(endpoints, "flaky").path("status").asText()).isEqualTo("down");
        }
    }

    /** Every answer says how long Switchboard itself took, the upstream's time left out. */
    @Test
    void theOverheadHeaderLeavesTheUpstreamsTimeOut() {
        try (FakeUpstream slow = FakeUpstream.start();
             TestGateway gateway = TestGateway.start("providers:\n" + Upstreams.provider("slow", slow)
                     + "models:\n" + Upstreams.model("test/model", "slow"))) {
            slow.enqueue(FakeUpstream.delayed(400, fixture(200, "openai/chat_nonstream.json")),
                    FakeUpstream.delayed(400, sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 1)));
            var plain = gateway.post("/v1/chat/completions", request("\"sort\":\"price\""));
            var streamed = gateway.post("/v1/chat/completions",
                    request("\"sort\":\"price\"").replace("{\"model\"", "{\"stream\":true,\"model\""));

            for (var response : java.util.List.of(plain, streamed)) {
                assertThat(response.statusCode()).isEqualTo(200);
                long overheadUs = Long.parseLong(response.headers().firstValue("x-switchboard-overhead-us").orElseThrow());
                // the upstream took 400 ms before answering: none of it is Switchboard's
                assertThat(overheadUs).isBetween(0L, 399_999L);
            }
        }
    }

    private static String request(String provider) {
        return "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"provider\":{"
                + provider + "}}";
    }

    private static String servedBy(TestGateway gateway, String body) {
        var response = gateway.post("/v1/chat/completions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.parse(response.body()).path("provider").asText();
    }

    private static JsonNode byTag(JsonNode endpoints, String tag) {
        return StreamSupport.stream(endpoints.spliterator(), false)
                .filter(e -> e.path("tag").asText().equals(tag)).findFirst().orElseThrow();
    }
}
