package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import dev.switchboard.plugins.TestPdfs;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.testing.FakeUpstream.json;
import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugins through the official OpenAI SDK: what the upstream receives (PDF text, search results,
 * a trimmed conversation), what the client gets back (healed JSON, url_citation annotations, the
 * search's price in the cost) and the 400s.
 */
class PluginsTest {
    static final String SEARXNG_ANSWER = """
            {"query": "q", "results": [
              {"url": "https://www.example.com/switchboard", "title": "Switchboard ships plugins", "content": "Release notes."},
              {"url": "https://reddit.com/r/llm/1", "title": "A thread", "content": "Chatter."},
              {"url": "https://docs.example.org/plugins", "title": "Plugin docs", "content": "How to use them."}]}""";

    static FakeUpstream upstream;
    static FakeUpstream searxng;
    static TestGateway gateway;
    static OpenAIClient client;
    static AccountsApi.Created key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        searxng = FakeUpstream.start();
        gateway = TestGateway.start("auth: { admin_key: " + ADMIN + ", require_keys: true }\n"
                + "plugins:\n  web: { engine: searxng, base_url: " + searxng.baseUrl().replace("/v1", "")
                + ", max_results: 2 }\n"
                + "providers:\n" + Upstreams.provider("oa", upstream)
                + "models:\n"
                + """
                  - id: test/text-only
                    name: "Test: text only"
                    context_length: 100000
                    input_modalities: [text]
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 2, web_search: 0.02 }
                    endpoints:
                      - { provider: oa, upstream_model: text-upstream }
                  - id: test/files
                    name: "Test: reads files"
                    context_length: 100000
                    input_modalities: [text, file]
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 2 }
                    endpoints:
                      - { provider: oa, upstream_model: files-upstream }
                  - id: test/small
                    name: "Test: 8k context"
                    context_length: 8000
                    max_output_tokens: 1000
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 2 }
                    endpoints:
                      - { provider: oa, upstream_model: small-upstream }
                  - id: test/medium
                    name: "Test: 10k context"
                    context_length: 10000
                    max_output_tokens: 1000
                    tokenizer: o200k_base
                    pricing: { prompt: 1, completion: 2 }
                    endpoints:
                      - { provider: oa, upstream_model: medium-upstream }
                """);
        key = AccountsApi.createKey(gateway);
        client = gateway.openAi(key.secret());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        searxng.close();
    }

    @BeforeEach
    void reset() {
        searxng.route(r -> json(200, SEARXNG_ANSWER));
    }

    private static String answer(String content) {
        return """
                {"id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "upstream",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": %s}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29}}"""
                .formatted(Json.MAPPER.valueToTree(content).toString());
    }

    private static String lastUserText(JsonNode upstreamBody) {
        JsonNode messages = upstreamBody.get("messages");
        return messages.get(messages.size() - 1).toString();
    }

    @Test
    void aPdfReachesAModelWithoutFileInputAsItsText() {
        upstream.enqueue(json(200, answer("It says pelican.")));
        String pdf = TestPdfs.dataUrl(TestPdfs.withPages("The secret word is pelican"));
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/text-only")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What does it say?").build()),
                        ChatCompletionContentPart.ofFile(ChatCompletionContentPart.File.builder()
                                .file(ChatCompletionContentPart.File.FileObject.builder()
                                        .filename("secret.pdf").fileData(pdf).build()).build())))
                .build());

        assertThat(completion.choices().getFirst().message().content()).contains("It says pelican.");
        JsonNode parts = upstream.last().json().get("messages").get(0).get("content");
        assertThat(parts.get(0).get("text").asText()).isEqualTo("What does it say?");
        assertThat(parts.get(1).get("type").asText()).isEqualTo("text");
        assertThat(parts.get(1).get("text").asText()).contains("<file name=\"secret.pdf\">", "The secret word is pelican");
        assertThat(upstream.last().bodyText()).doesNotContain("application/pdf");
    }

    @Test
    void aPdfInALargeBodyIsFoundAndParsedOffTheEventLoop() {
        upstream.enqueue(json(200, answer("ok")));
        String pdf = TestPdfs.dataUrl(TestPdfs.withPages("Appendix: the answer is 42"));
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("test/text-only")
                .addUserMessage("context ".repeat(20_000)) // a body over 64 KiB is searched for PDFs on a worker
                .addUserMessageOfArrayOfContentParts(List.of(ChatCompletionContentPart.ofFile(ChatCompletionContentPart.File
                        .builder().file(ChatCompletionContentPart.File.FileObject.builder().filename("appendix.pdf")
                                .fileData(pdf).build()).build())))
                .build());
        JsonNode sent = upstream.last().json().get("messages");
        assertThat(sent.get(0).get("content").asText()).startsWith("context context");
        assertThat(sent.get(1).get("content").get(0).get("text").asText()).contains("Appendix: the answer is 42");
    }

    @Test
    void anthropicClientsGetThePluginsToo() {
        upstream.enqueue(json(200, answer("Plugins shipped.")));
        com.anthropic.client.AnthropicClient anthropic = com.anthropic.client.okhttp.AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + gateway.port()).apiKey(key.secret()).maxRetries(0).build();
        com.anthropic.models.messages.Message message = anthropic.messages().create(
                com.anthropic.models.messages.MessageCreateParams.builder().model("test/text-only").maxTokens(100)
                        .addUserMessage("What did Switchboard ship?")
                        .putAdditionalBodyProperty("plugins", com.anthropic.core.JsonValue.from(List.of(Map.of("id", "web"))))
                        .build());
        assertThat(message.content().getFirst().text().orElseThrow().text()).isEqualTo("Plugins shipped.");
        JsonNode sent = upstream.last().json();
        assertThat(sent.has("plugins")).isFalse();
        assertThat(lastUserText(sent)).contains("A web search was conducted on", "https://www.example.com/switchboard");
    }

    @Test
    void theFileParserNativeEngineLeavesThePdfAsItIs() {
        upstream.enqueue(json(200, answer("ok")));
        String pdf = TestPdfs.dataUrl(TestPdfs.withPages("Native please"));
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("test/files")
                .addUserMessageOfArrayOfContentParts(List.of(ChatCompletionContentPart.ofFile(ChatCompletionContentPart.File
                        .builder().file(ChatCompletionContentPart.File.FileObject.builder().filename("a.pdf").fileData(pdf)
                                .build()).build())))
                .putAdditionalBodyProperty("plugins", JsonValue.from(List.of(
                        Map.of("id", "file-parser", "pdf", Map.of("engine", "native")))))
                .build());
        JsonNode sent = upstream.last().json();
        assertThat(sent.get("messages").get(0).get("content").get(0).get("file").get("file_data").asText()).isEqualTo(pdf);
        assertThat(sent.has("plugins")).isFalse();
    }

    @Test
    void theWebPluginInjectsSearchResultsAndCitesThem() {
        upstream.enqueue(json(200, answer("Plugins shipped, see https://www.example.com/switchboard today.")));
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/text-only").addUserMessage("What did Switchboard ship?")
                .putAdditionalBodyProperty("plugins", JsonValue.from(List.of(
                        Map.of("id", "web", "exclude_domains", List.of("reddit.com")))))
                .build());

        FakeUpstream.Received search = searxng.last();
        assertThat(search.path()).isEqualTo("/search");
        assertThat(URLDecoder.decode(search.query(), StandardCharsets.UTF_8)).contains("format=json")
                .contains("q=What did Switchboard ship?");

        JsonNode sent = upstream.last().json();
        assertThat(sent.has("plugins")).isFalse();
        String injected = sent.get("messages").get(0).get("content").asText();
        assertThat(injected).startsWith("What did Switchboard ship?\n\nA web search was conducted on ")
                .contains("[1] Switchboard ships plugins\nURL: https://www.example.com/switchboard\nRelease notes.")
                .contains("[2] Plugin docs\nURL: https://docs.example.org/plugins")
                .doesNotContain("reddit.com");

        ChatCompletionMessage message = completion.choices().getFirst().message();
        assertThat(message.annotations().orElseThrow()).hasSize(2);
        ChatCompletionMessage.Annotation.UrlCitation first = message.annotations().get().getFirst().urlCitation();
        assertThat(first.url()).isEqualTo("https://www.example.com/switchboard");
        assertThat(first.title()).isEqualTo("Switchboard ships plugins");
        assertThat(message.content().orElseThrow().substring((int) first.startIndex(), (int) first.endIndex()))
                .isEqualTo(first.url());
        // 19 prompt tokens at $1/M + 10 completion tokens at $2/M + one search at $0.02
        assertThat(new BigDecimal(completion.usage().orElseThrow()._additionalProperties().get("cost").toString()))
                .isEqualByComparingTo("0.020039");
    }

    @Test
    void theOnlineVariantSearchesAndServesTheBaseModel() {
        upstream.enqueue(json(200, answer("See https://www.example.com/switchboard.")));
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/text-only:online").addUserMessage("What did Switchboard ship?").build());

        JsonNode sent = upstream.last().json();
        assertThat(sent.get("model").asText()).as("the base model's upstream name, no suffix")
                .doesNotContain(":online");
        assertThat(sent.get("messages").get(0).get("content").asText())
                .contains("[1] Switchboard ships plugins\nURL: https://www.example.com/switchboard");
        assertThat(completion.choices().getFirst().message().annotations().orElseThrow()).isNotEmpty();
        assertThat(new BigDecimal(completion.usage().orElseThrow()._additionalProperties().get("cost").toString()))
                .as("the search is priced").isGreaterThan(new BigDecimal("0.02"));
    }

    @Test
    void streamedRequestsAreSearchedForAndCiteTheResults() {
        upstream.enqueue(sse("""
                data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

                data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}

                data: [DONE]

                """));
        StringBuilder text = new StringBuilder();
        List<JsonValue> annotations = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("test/text-only").addUserMessage("news?")
                .putAdditionalBodyProperty("plugins", JsonValue.from(List.of(Map.of("id", "web", "max_results", 1))))
                .build())) {
            stream.stream().forEach(chunk -> {
                ids.add(chunk.id());
                chunk.choices().forEach(c -> {
                    c.delta().content().ifPresent(text::append);
                    if (c.delta()._additionalProperties().containsKey("annotations")) {
                        annotations.add(c.delta()._additionalProperties().get("annotations"));
                    }
                });
            });
        }
        assertThat(text.toString()).isEqualTo("Hi");
        assertThat(ids).allMatch(id -> id.equals(ids.getFirst()) && id.startsWith("gen-"));
        assertThat(annotations).hasSize(1);
        List<?> cited = annotations.getFirst().convert(List.class);
        assertThat(cited).hasSize(1);
        assertThat(cited.getFirst()).isEqualTo(Map.of("type", "url_citation", "url_citation", Map.of(
                "url", "https://www.example.com/switchboard", "title", "Switchboard ships plugins",
                "content", "Release notes.", "start_index", 0, "end_index", 0)));
        String injected = upstream.last().json().get("messages").get(0).get("content").asText();
        assertThat(injected).contains("[1] Switchboard ships plugins").doesNotContain("[2]");
    }

    @Test
    void aSearchEngineFailureIsA502AndNothingIsSentUpstream() {
        searxng.route(r -> json(500, "{}"));
        int before = upstream.requestCount();
        HttpResponse<String> response = gateway.call("POST", "/v1/chat/completions", key.secret(), """
                {"model": "test/text-only", "messages": [{"role": "user", "content": "q"}], "plugins": [{"id": "web"}]}""");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Json.parse(response.body()).get("error").get("message").asText())
                .contains("Web search failed: the search engine answered HTTP 500");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void theWebSearchPriceIsReservedBeforeTheRequestIsSent() {
        AccountsApi.Created poor = AccountsApi.createKey(gateway, "{\"name\": \"poor\", \"limit\": 0.01}");
        int before = upstream.requestCount();
        HttpResponse<String> response = gateway.call("POST", "/v1/chat/completions", poor.secret(), """
                {"model": "test/text-only", "max_tokens": 10, "messages": [{"role": "user", "content": "q"}],
                 "plugins": [{"id": "web"}]}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(402);
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void responseHealingRepairsABrokenJsonAnswer() {
        upstream.enqueue(json(200, answer("```json\n{\"name\": \"Bob\", \"age\": 30,}\n```")));
        ChatCompletion healed = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/text-only").addUserMessage("Bob as JSON")
                .responseFormat(ResponseFormatJsonObject.builder().build())
                .putAdditionalBodyProperty("plugins", JsonValue.from(List.of(Map.of("id", "response-healing"))))
                .build());
        assertThat(healed.choices().getFirst().message().content()).contains("{\"name\":\"Bob\",\"age\":30}");
        assertThat(upstream.last().json().get("response_format").get("type").asText()).isEqualTo("json_object");

        upstream.enqueue(json(200, answer("```json\n{\"name\": \"Bob\",}\n```")));
        ChatCompletion asIs = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("test/text-only").addUserMessage("Bob as JSON")
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());
        assertThat(asIs.choices().getFirst().message().content()).contains("```json\n{\"name\": \"Bob\",}\n```");
    }

    /** About {@code n} × 500 tokens of distinct filler, a message each, alternating user and assistant. */
    private static ChatCompletionCreateParams.Builder longConversation(String model, int n) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage("You are terse.");
        for (int i = 0; i < n; i++) {
            String filler = ("message " + i + " talks about topic " + i + ". ").repeat(60);
            if (i % 2 == 0) {
                params.addUserMessage(filler);
            } else {
                params.addAssistantMessage(filler);
            }
        }
        return params.addUserMessage("And the final question?").maxTokens(100);
    }

    @Test
    void middleOutTrimsTheMiddleByDefaultOnAnEightKModel() {
        upstream.enqueue(json(200, answer("ok")));
        client.chat().completions().create(longConversation("test/small", 40).build());
        JsonNode messages = upstream.last().json().get("messages");
        assertThat(messages.size()).isBetween(3, 40);
        assertThat(messages.get(0).get("content").asText()).isEqualTo("You are terse.");
        assertThat(messages.get(1).get("content").asText()).startsWith("message 0 ");
        assertThat(messages.get(messages.size() - 1).get("content").asText()).isEqualTo("And the final question?");
        assertThat(upstream.last().bodyText()).doesNotContain("message 20 talks");
    }

    @Test
    void anEmptyTransformsListTurnsMiddleOutOff() {
        int before = upstream.requestCount();
        assertThatThrownBy(() -> client.chat().completions().create(longConversation("test/small", 40)
                .putAdditionalBodyProperty("transforms", JsonValue.from(List.of())).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.getMessage()).contains("No endpoint of test/small can serve this request");
                    assertThat(e.body().toString()).contains("context");
                });
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void aLargerModelIsTrimmedOnlyWhenAsked() {
        assertThatThrownBy(() -> client.chat().completions().create(longConversation("test/medium", 40).build()))
                .isInstanceOf(BadRequestException.class);
        upstream.enqueue(json(200, answer("ok")));
        client.chat().completions().create(longConversation("test/medium", 40)
                .putAdditionalBodyProperty("transforms", JsonValue.from(List.of("middle-out"))).build());
        JsonNode messages = upstream.last().json().get("messages");
        assertThat(messages.size()).isLessThan(42);
        assertThat(messages.get(messages.size() - 1).get("content").asText()).isEqualTo("And the final question?");
    }

    @Test
    void unknownPluginsAndTransformsAre400sNamingThem() {
        assertBadRequest("\"plugins\": [{\"id\": \"web\"}, {\"id\": \"telepathy\"}]", "plugins[1].id",
                "unknown plugin \"telepathy\"");
        assertBadRequest("\"transforms\": [\"middle-in\"]", "transforms[0]", "unknown transform \"middle-in\"");
        assertBadRequest("\"plugins\": [{\"id\": \"web\", \"max_results\": \"many\"}]", "plugins[0].max_results",
                "expected an integer");
    }

    @Test
    void theWebPluginWithoutASearchBackendIsA400ThatSaysSo() {
        try (TestGateway bare = TestGateway.start("auth: { require_keys: false }\nproviders:\n"
                + Upstreams.provider("oa", upstream) + "models:\n" + Upstreams.model("test/plain", "oa"))) {
            assertThatThrownBy(() -> bare.openAi().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("test/plain").addUserMessage("news?")
                    .putAdditionalBodyProperty("plugins", JsonValue.from(List.of(Map.of("id", "web")))).build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("no", "search backend", "plugins.web");
                    });
        }
    }

    private static void assertBadRequest(String member, String param, String message) {
        int before = upstream.requestCount();
        HttpResponse<String> response = gateway.call("POST", "/v1/chat/completions", key.secret(),
                "{\"model\": \"test/text-only\", \"messages\": [{\"role\": \"user\", \"content\": \"q\"}], " + member + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).contains(message);
        assertThat(upstream.requestCount()).isEqualTo(before);
    }
}
