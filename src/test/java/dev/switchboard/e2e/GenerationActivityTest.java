package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.e2e.AccountsApi.PRICED;
import static dev.switchboard.e2e.AccountsApi.chatBody;
import static dev.switchboard.e2e.AccountsApi.createKey;
import static dev.switchboard.e2e.AccountsApi.error;
import static dev.switchboard.e2e.AccountsApi.json;
import static dev.switchboard.e2e.AccountsApi.poll;
import static dev.switchboard.e2e.AccountsApi.pricedCost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The usage ledger as clients read it: one generation by id, and activity per day, model, provider and app. */
class GenerationActivityTest {
    static final String ECHO = "switchboard/echo";
    /** Priced like {@link AccountsApi#PRICED}, streamed at 20 tokens a second. */
    static final String SLOW = "test/slow";
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(AccountsApi.yaml(true,
                "  - { id: slow, name: Slow Demo, protocol: demo, tokens_per_second: 20 }\n",
                "  - { id: " + SLOW + ", name: Slow, context_length: 8000, max_output_tokens: 1000, tokenizer: o200k_base,\n"
                        + "      pricing: { prompt: 1, completion: 2 }, endpoints: [ { provider: slow, upstream_model: echo } ] }\n"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static HttpResponse<String> generation(String query, String key) {
        return gateway.call("GET", "/api/v1/generation" + query, key, null);
    }

    private static JsonNode generation(String id) {
        return json(generation("?id=" + id, ADMIN), 200).get("data");
    }

    /** A non-streamed chat request with the given extra headers. */
    private static HttpResponse<String> chat(String key, String model, String text, Map<String, String> headers) {
        HttpRequest.Builder request = AccountsApi.request(gateway, "/api/v1/chat/completions")
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(model, text, false)));
        headers.forEach(request::header);
        HttpResponse<String> response = gateway.send(request.build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    @Test
    void recordsANonStreamedGenerationInOpenRoutersFieldNames() {
        AccountsApi.Created key = createKey(gateway);
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ChatCompletion completion = gateway.openAi(key.secret()).chat().completions().create(
                ChatCompletionCreateParams.builder().model(PRICED).addUserMessage("What does this cost?").build());
        var usage = completion.usage().orElseThrow();

        JsonNode g = json(generation("?id=" + completion.id(), key.secret()), 200).get("data");

        assertThat(g.get("id").asText()).isEqualTo(completion.id());
        assertThat(g.get("model").asText()).isEqualTo(PRICED);
        assertThat(g.get("provider_name").asText()).isEqualTo("Switchboard Demo");
        assertThat(g.get("upstream_id").asText()).startsWith("chatcmpl-echo-");
        assertThat(g.get("tokens_prompt").asLong()).isEqualTo(usage.promptTokens());
        assertThat(g.get("tokens_completion").asLong()).isEqualTo(usage.completionTokens()).isEqualTo(5);
        assertThat(g.get("native_tokens_prompt").asLong()).isEqualTo(usage.promptTokens());
        assertThat(g.get("native_tokens_completion").asLong()).isEqualTo(usage.completionTokens());
        assertThat(g.get("native_tokens_reasoning").asLong()).isZero();
        assertThat(g.get("total_cost").decimalValue())
                .isEqualByComparingTo(pricedCost(usage.promptTokens(), usage.completionTokens()))
                .isEqualByComparingTo(new BigDecimal(usage._additionalProperties().get("cost").toString()));
        assertThat(g.get("latency").asLong()).isNotNegative();
        assertThat(g.get("generation_time").asLong()).isNotNegative();
        assertThat(g.get("streamed").asBoolean()).isFalse();
        assertThat(g.get("cancelled").asBoolean()).isFalse();
        assertThat(g.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(g.get("attempts").asInt()).isEqualTo(1);
        assertThat(g.get("app").isNull()).isTrue();
        assertThat(g.get("http_referer").isNull()).isTrue();
        assertThat(g.get("api_key_hash").asText()).isEqualTo(key.hash());
        assertThat(Instant.parse(g.get("created_at").asText())).isBetween(before, Instant.now());
    }

    @Test
    void showsAGenerationOnlyToItsKeyAndToTheAdmin() {
        AccountsApi.Created owner = createKey(gateway);
        AccountsApi.Created other = createKey(gateway);
        String id = chat(owner.secret(), ECHO, "mine", Map.of()).headers().firstValue("x-generation-id").orElseThrow();

        assertThat(json(generation("?id=" + id, owner.secret()), 200).get("data").get("id").asText()).isEqualTo(id);
        assertThat(json(gateway.call("GET", "/v1/generation?id=" + id, owner.secret(), null), 200).get("data")
                .get("api_key_hash").asText()).isEqualTo(owner.hash());
        assertThat(json(generation("?id=" + id, ADMIN), 200).get("data").get("api_key_hash").asText())
                .isEqualTo(owner.hash());
        // another key's generation does not exist for it, exactly like an unknown id
        assertThat(error(generation("?id=" + id, other.secret()), 404).get("type").asText()).isEqualTo("not_found_error");
        error(generation("?id=gen-0000000000-unknown", owner.secret()), 404);
        error(generation("?id=gen-0000000000-unknown", ADMIN), 404);
        error(generation("?id=" + id, null), 401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?id=", "?id=%20", "?other=gen-1"})
    void refusesALookupWithoutAnId(String query) {
        AccountsApi.Created key = createKey(gateway);

        assertThat(error(generation(query, key.secret()), 400).get("type").asText()).isEqualTo("invalid_request_error");
        error(generation(query, ADMIN), 400);
    }

    @Test
    void recordsAStreamedGeneration() {
        AccountsApi.Created key = createKey(gateway);
        var params = ChatCompletionCreateParams.builder().model(PRICED).addUserMessage("Stream this back to me").build();
        String id = null;
        ChatCompletionChunk last = null;
        try (StreamResponse<ChatCompletionChunk> stream = gateway.openAi(key.secret()).chat().completions()
                .createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                id = chunk.id();
                last = chunk;
            }
        }
        var usage = last.usage().orElseThrow();

        JsonNode g = json(generation("?id=" + id, key.secret()), 200).get("data");

        assertThat(g.get("streamed").asBoolean()).isTrue();
        assertThat(g.get("cancelled").asBoolean()).isFalse();
        assertThat(g.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(g.get("tokens_prompt").asLong()).isEqualTo(usage.promptTokens());
        assertThat(g.get("tokens_completion").asLong()).isEqualTo(usage.completionTokens()).isEqualTo(5);
        assertThat(g.get("total_cost").decimalValue())
                .isEqualByComparingTo(pricedCost(usage.promptTokens(), usage.completionTokens()));
    }

    @Test
    void chargesAStreamTheClientAbandonsAsCancelledWithTheTokensRelayed() throws Exception {
        AccountsApi.Created key = createKey(gateway);
        // about 200 tokens at 20 a second: ten seconds if the client stayed
        String text = "tick ".repeat(200);
        String body = chatBody(SLOW, text, true);
        String id = null;
        int received = 0;
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(("POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + key.secret() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (received < 3 && (line = reader.readLine()) != null) {
                if (line.regionMatches(true, 0, "x-generation-id:", 0, 16)) {
                    id = line.substring(16).strip();
                } else if (line.startsWith("data: {")) {
                    JsonNode content = Json.parse(line.substring(6)).path("choices").path(0).path("delta").path("content");
                    if (!content.asText("").isEmpty()) {
                        received++;
                    }
                }
            }
        }
        assertThat(received).isEqualTo(3);
        assertThat(id).startsWith("gen-");
        String generationId = id;

        JsonNode g = json(poll(() -> generation("?id=" + generationId, key.secret()), r -> r.statusCode() == 200), 200)
                .get("data");

        assertThat(g.get("streamed").asBoolean()).isTrue();
        assertThat(g.get("cancelled").asBoolean()).isTrue();
        long completion = g.get("tokens_completion").asLong();
        assertThat(completion).isBetween(3L, 150L);
        BigDecimal cost = pricedCost(g.get("tokens_prompt").asLong(), completion);
        assertThat(g.get("total_cost").decimalValue()).isEqualByComparingTo(cost).isPositive();
        JsonNode current = json(gateway.call("GET", "/api/v1/key", key.secret(), null), 200).get("data");
        assertThat(current.get("usage").decimalValue()).isEqualByComparingTo(cost);
    }

    @Test
    void attributesGenerationsToTheAppNamedInTheHeaders() {
        AccountsApi.Created key = createKey(gateway);
        ChatCompletion viaSdk = gateway.openAi(key.secret()).chat().completions().create(
                ChatCompletionCreateParams.builder().model(ECHO).addUserMessage("From the SDK")
                        .putAdditionalHeader("HTTP-Referer", "https://notes.example/app")
                        .putAdditionalHeader("X-Title", "Example Notes").build());
        String openRouterTitle = chat(key.secret(), ECHO, "titled",
                Map.of("X-OpenRouter-Title", "Router Titled")).headers().firstValue("x-generation-id").orElseThrow();

        JsonNode titled = generation(viaSdk.id());
        assertThat(titled.get("app").asText()).isEqualTo("Example Notes");
        assertThat(titled.get("http_referer").asText()).isEqualTo("https://notes.example/app");
        JsonNode routerTitled = generation(openRouterTitle);
        assertThat(routerTitled.get("app").asText()).isEqualTo("Router Titled");
        assertThat(routerTitled.get("http_referer").isNull()).isTrue();
    }

    /** One activity row's numbers, summed from the responses that should make it. */
    private record Expected(long requests, long prompt, long completion, BigDecimal usage) {
        Expected plus(JsonNode usage) {
            return new Expected(requests + 1, prompt + usage.get("prompt_tokens").asLong(),
                    completion + usage.get("completion_tokens").asLong(), this.usage.add(usage.get("cost").decimalValue()));
        }
    }

    private static final Expected NONE = new Expected(0, 0, 0, BigDecimal.ZERO);

    private static JsonNode activity(String query, String key) {
        return json(gateway.call("GET", "/api/v1/activity" + query, key, null), 200).get("data");
    }

    private static long requests(JsonNode rows) {
        long total = 0;
        for (JsonNode row : rows) {
            total += row.get("requests").asLong();
        }
        return total;
    }

    /** Rows keyed by {@code model|app}. */
    private static Map<String, JsonNode> byModelAndApp(JsonNode rows) {
        Map<String, JsonNode> map = new HashMap<>();
        for (JsonNode row : rows) {
            assertThat(map.put(row.get("model").asText() + "|" + row.get("app").asText(null), row)).isNull();
        }
        return map;
    }

    private static void assertRow(JsonNode row, String date, Expected expected) {
        assertThat(row).isNotNull();
        assertThat(row.get("date").asText()).isEqualTo(date);
        assertThat(row.get("provider").asText()).isEqualTo("demo");
        assertThat(row.get("requests").asLong()).isEqualTo(expected.requests());
        assertThat(row.get("prompt_tokens").asLong()).isEqualTo(expected.prompt());
        assertThat(row.get("completion_tokens").asLong()).isEqualTo(expected.completion());
        assertThat(row.get("reasoning_tokens").asLong()).isZero();
        assertThat(row.get("usage").decimalValue()).isEqualByComparingTo(expected.usage());
    }

    @Test
    void sumsActivityPerDayModelProviderAndAppForTheCallingKeyOnly() {
        AccountsApi.Created mine = createKey(gateway);
        AccountsApi.Created theirs = createKey(gateway);
        Map<String, String> alpha = Map.of("X-Title", "Activity Alpha");
        Expected alphaRow = NONE;
        Expected betaRow = NONE;
        Expected echoRow = NONE;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = chat(mine.secret(), PRICED, "alpha request number " + i, alpha);
            alphaRow = alphaRow.plus(Json.parse(r.body()).get("usage"));
            ids.add(r.headers().firstValue("x-generation-id").orElseThrow());
        }
        HttpResponse<String> beta = chat(mine.secret(), PRICED, "beta", Map.of("X-Title", "Activity Beta"));
        betaRow = betaRow.plus(Json.parse(beta.body()).get("usage"));
        HttpResponse<String> echo = chat(mine.secret(), ECHO, "no app at all", Map.of());
        echoRow = echoRow.plus(Json.parse(echo.body()).get("usage"));
        HttpResponse<String> gamma = chat(theirs.secret(), PRICED, "someone else", Map.of("X-Title", "Activity Gamma"));
        Expected gammaRow = NONE.plus(Json.parse(gamma.body()).get("usage"));
        String date = LocalDate.ofInstant(Instant.parse(generation(ids.getFirst()).get("created_at").asText()),
                ZoneOffset.UTC).toString();

        // the ledger writes in the background: wait until all four are there
        JsonNode rows = poll(() -> activity("?days=1", mine.secret()), r -> requests(r) == 4);

        Map<String, JsonNode> mineByApp = byModelAndApp(rows);
        assertThat(mineByApp).hasSize(3);
        assertRow(mineByApp.get(PRICED + "|Activity Alpha"), date, alphaRow);
        assertRow(mineByApp.get(PRICED + "|Activity Beta"), date, betaRow);
        assertRow(mineByApp.get(ECHO + "|null"), date, echoRow);
        assertThat(mineByApp.get(ECHO + "|null").get("app").isNull()).isTrue();

        // an inference key cannot look at another key's activity
        assertThat(activity("?days=1&api_key_hash=" + theirs.hash(), mine.secret())).isEqualTo(rows);
        JsonNode theirRows = poll(() -> activity("?days=7", theirs.secret()), r -> requests(r) == 1);
        assertRow(byModelAndApp(theirRows).get(PRICED + "|Activity Gamma"), date, gammaRow);
        assertThat(theirRows).hasSize(1);

        // the admin sees every key, or one
        assertThat(activity("?days=1&api_key_hash=" + mine.hash(), ADMIN)).isEqualTo(rows);
        assertThat(activity("?days=1&api_key_hash=" + theirs.hash(), ADMIN)).isEqualTo(theirRows);
        Map<String, JsonNode> everyone = byModelAndApp(activity("?days=1", ADMIN));
        assertRow(everyone.get(PRICED + "|Activity Alpha"), date, alphaRow);
        assertRow(everyone.get(PRICED + "|Activity Gamma"), date, gammaRow);
        assertThat(activity("?days=1&api_key_hash=" + "0".repeat(64), ADMIN)).isEmpty();

        // one day by date; another day has nothing
        assertThat(activity("?date=" + date, mine.secret())).isEqualTo(rows);
        assertThat(activity("?date=2001-01-01", mine.secret())).isEmpty();
        assertThat(activity("", mine.secret())).isEqualTo(rows); // 30 days by default

        // the written rows read back exactly as they were reported before they were written
        for (String id : ids) {
            JsonNode g = generation(id);
            assertThat(g.get("app").asText()).isEqualTo("Activity Alpha");
            assertThat(g.get("api_key_hash").asText()).isEqualTo(mine.hash());
        }
    }

    @Test
    void theLedgerReadsBackWhatItReportedBeforeTheRowWasWritten() {
        AccountsApi.Created key = createKey(gateway);
        HttpResponse<String> served = chat(key.secret(), PRICED, "round trip", Map.of("X-Title", "Round Trip",
                "HTTP-Referer", "https://round.example"));
        String id = served.headers().firstValue("x-generation-id").orElseThrow();
        JsonNode early = generation(id);

        poll(() -> activity("?days=1", key.secret()), r -> requests(r) == 1);

        assertThat(generation(id)).isEqualTo(early);
        assertThat(Instant.parse(early.get("created_at").asText())).isCloseTo(Instant.now(), within(60, ChronoUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"?days=0", "?days=-1", "?days=abc", "?days=1.5", "?days=3661", "?days=",
            "?date=2026-13-01", "?date=yesterday", "?date=2026-02-30", "?date="})
    void refusesBadDaysAndDates(String query) {
        AccountsApi.Created key = createKey(gateway);

        assertThat(error(gateway.call("GET", "/api/v1/activity" + query, key.secret(), null), 400).get("type").asText())
                .isEqualTo("invalid_request_error");
        error(gateway.call("GET", "/v1/activity" + query, ADMIN, null), 400);
    }
}
