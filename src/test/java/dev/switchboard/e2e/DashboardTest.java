package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static dev.switchboard.testing.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard in docs/operations.md parses, and every metric its queries use is in a real scrape. */
class DashboardTest {
    static final Path OPERATIONS = Path.of("docs/operations.md");
    static final String MARKER = "<!-- grafana-dashboard -->";
    /** Label matchers and grouping lists name labels, not metrics. */
    static final Pattern NOT_METRICS = Pattern.compile("\\{[^}]*}|\\b(?:by|without)\\s*\\([^)]*\\)");
    static final Pattern METRIC = Pattern.compile("\\b(?:gen_ai|switchboard|http_server|jvm|process|system)_[a-z0-9_]+\\b");

    static JsonNode dashboard() throws IOException {
        String doc = Files.readString(OPERATIONS, StandardCharsets.UTF_8);
        int marker = doc.indexOf(MARKER);
        assertThat(marker).as("the dashboard marker in " + OPERATIONS).isNotNegative();
        int start = doc.indexOf("```json\n", marker) + "```json\n".length();
        int end = doc.indexOf("\n```", start);
        return Json.parse(doc.substring(start, end));
    }

    static List<String> queries(JsonNode dashboard) {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries.add(target.get("expr").asText());
            }
        }
        return queries;
    }

    static Set<String> metricNames(List<String> queries) {
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(NOT_METRICS.matcher(query).replaceAll(" "));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    @Test
    void theQueriesOnlyNameMetrics() {
        assertThat(metricNames(List.of("histogram_quantile(0.5, sum by (le, gen_ai_response_model) "
                + "(rate(gen_ai_server_time_to_first_token_seconds_bucket{gen_ai_provider_name!=\"none\"}[5m])))")))
                .containsExactly("gen_ai_server_time_to_first_token_seconds_bucket");
    }

    @Test
    void everyMetricTheDashboardUsesIsInARealScrape() throws IOException {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.get("panels")).hasSizeGreaterThanOrEqualTo(8);
        Set<String> used = metricNames(queries(dashboard));
        assertThat(used).contains("switchboard_requests_total", "gen_ai_server_time_to_first_token_seconds_bucket",
                "switchboard_ledger_queue_depth", "switchboard_circuit_breakers_open");

        String scrape = scrapeAfterTraffic();

        Set<String> scraped = Arrays.stream(scrape.split("\n"))
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
        assertThat(scraped).containsAll(used);
    }

    /** A streamed and a plain completion, one after a fallback, then {@code GET /metrics}. */
    private static String scrapeAfterTraffic() {
        try (FakeUpstream alpha = FakeUpstream.start(); FakeUpstream beta = FakeUpstream.start();
             TestGateway gateway = TestGateway.start("providers:\n" + Upstreams.provider("alpha", alpha)
                     + Upstreams.provider("beta", beta) + "models:\n" + Upstreams.model("test/model", "alpha", "beta"))) {
            alpha.enqueue(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
            beta.enqueue(fixture(200, "openai/chat_nonstream.json"));
            OpenAIClient client = gateway.openAi();
            client.chat().completions().create(ChatCompletionCreateParams.builder().model("test/model")
                    .addUserMessage("Hi")
                    .putAdditionalBodyProperty("provider", JsonValue.from(Map.of("order", List.of("alpha", "beta"))))
                    .build());
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("switchboard/echo").addUserMessage("Hello there").build())) {
                assertThat(stream.stream().count()).isPositive();
            }
            var response = gateway.get("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
