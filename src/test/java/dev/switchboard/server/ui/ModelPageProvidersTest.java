package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A model page's provider table (ZenMux's prices and live min / avg / max) and its protocols section. */
class ModelPageProvidersTest {
    static final String CACHED = "test/cached";
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                providers:
                  - { id: demo, tokens_per_second: 0 }
                  - { id: paced, name: Paced demo, protocol: demo, tokens_per_second: 400 }
                models:
                  - id: %s
                    name: Cached
                    context_length: 200000
                    pricing: { prompt: 3, completion: 15, input_cache_read: 0.3, input_cache_write: 3.75,
                               input_cache_write_1h: 6, web_search: 0.01 }
                    endpoints:
                      - { provider: paced, upstream_model: echo }
                      - { provider: demo, upstream_model: echo, pricing: { input_cache_write_1h: 7.5 } }
                """.formatted(CACHED), Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void theProviderTableShowsEveryPricePerProvider() {
        String html = new UiClient(gateway).get("/models/" + CACHED).body();

        String paced = row(html, "paced");
        assertThat(cell(paced, "price", "input")).isEqualTo("$3");
        assertThat(cell(paced, "price", "output")).isEqualTo("$15");
        assertThat(cell(paced, "price", "cache-read")).isEqualTo("$0.30");
        assertThat(cell(paced, "price", "cache-write-5m")).isEqualTo("$3.75");
        assertThat(cell(paced, "price", "cache-write-1h")).isEqualTo("$6");
        assertThat(cell(paced, "price", "web-search")).isEqualTo("$0.01");
        assertThat(cell(row(html, "demo"), "price", "cache-write-1h")).as("the endpoint's own price").isEqualTo("$7.50");
        assertThat(cell(row(new UiClient(gateway).get("/models/switchboard/echo").body(), "demo"), "price", "cache-write-1h"))
                .as("no such price").isEqualTo("—");
    }

    @Test
    void latencyAndThroughputShowMinAvgMaxAndTheMedianOnceMeasured() {
        assertThat(cell(row(new UiClient(gateway).get("/models/switchboard/echo").body(), "demo"), "stat", "latency"))
                .startsWith("— / — / —");
        HttpResponse<String> served = gateway.post("/v1/chat/completions", "{\"model\":\"" + CACHED + "\",\"stream\":true,"
                + "\"provider\":{\"order\":[\"paced\"]},\"messages\":[{\"role\":\"user\",\"content\":\"measure me, token by token\"}]}");
        assertThat(served.statusCode()).isEqualTo(200);

        String paced = Poll.until(() -> row(new UiClient(gateway).get("/models/" + CACHED).body(), "paced"),
                r -> cell(r, "stat", "throughput").contains("tok/s"), Duration.ofSeconds(10));

        assertThat(cell(paced, "stat", "latency")).matches("\\d+\\.\\d\\ds / \\d+\\.\\d\\ds / \\d+\\.\\d\\ds.*p50 \\d+\\.\\d\\ds.*");
        assertThat(cell(paced, "stat", "throughput"))
                .matches("\\d+ tok/s / \\d+ tok/s / \\d+ tok/s.*p50 \\d+ tok/s.*");
    }

    @Test
    void theProtocolsSectionHasAWorkingCurlSampleForEachApi() throws Exception {
        String html = new UiClient(gateway).get("/models/" + CACHED).body();
        String base = "http://127.0.0.1:" + gateway.port();

        assertThat(html).contains("id=\"protocols-line\"", "OpenAI Chat Completions", "OpenAI Responses", "Anthropic Messages");
        assertThat(unescape(html)).contains("base_url=\"" + base + "/v1\"", "client.responses.create(model=\"" + CACHED + "\"",
                "anthropic.Anthropic(base_url=\"" + base + "\"");
        List<String> protocols = new ArrayList<>();
        Matcher sample = Pattern.compile("<code id=\"protocol-([a-z]+)-curl\">(.*?)</code>", Pattern.DOTALL).matcher(html);
        while (sample.find()) {
            protocols.add(sample.group(1));
            String curl = unescape(sample.group(2));
            Matcher url = Pattern.compile("curl (\\S+)").matcher(curl);
            Matcher body = Pattern.compile("-d '(.*)'", Pattern.DOTALL).matcher(curl);
            assertThat(url.find() && body.find()).as(curl).isTrue();
            assertThat(url.group(1)).startsWith(base + "/v1/");
            assertThat(Json.parse(body.group(1)).get("model").asText()).isEqualTo(CACHED);

            HttpResponse<String> answer = gateway.send(HttpRequest.newBuilder(URI.create(url.group(1)))
                    .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString(body.group(1))).build());

            assertThat(answer.statusCode()).as(curl + answer.body()).isEqualTo(200);
            JsonNode json = Json.parse(answer.body());
            assertThat(json.path("error").isObject()).as(answer.body()).isFalse();
        }
        assertThat(protocols).containsExactly("chat", "responses", "messages");
    }

    /** The {@code <tr>} of one provider. */
    private static String row(String html, String provider) {
        Matcher m = Pattern.compile("<tr data-provider=\"" + provider + "\">(.*?)</tr>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("row of " + provider).isTrue();
        return m.group(1);
    }

    /** The text of the cell marked {@code data-kind="name"}, tags removed. */
    private static String cell(String row, String kind, String name) {
        Matcher m = Pattern.compile("<td[^>]*data-" + kind + "=\"" + name + "\">(.*?)</td>", Pattern.DOTALL).matcher(row);
        assertThat(m.find()).as(kind + " " + name).isTrue();
        return m.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip();
    }

    private static String unescape(String html) {
        return html.replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }
}
