package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.switchboard.testing.FakeUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requests the real Codex CLI 0.171.0 sent (captured, fixtures' {@code recorded/agents/}), replayed
 * as they came to {@code /v1/responses} for a model on each upstream protocol: every one is answered
 * 200 with the Responses event stream, and each upstream gets a request in its own shape.
 */
class CodexRequestsReplayTest {
    static FakeUpstream chat;
    static FakeUpstream responses;
    static FakeUpstream claude;
    static FakeUpstream gemini;
    static FakeUpstream bedrock;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        chat = FakeUpstream.start();
        responses = FakeUpstream.start();
        claude = FakeUpstream.start();
        gemini = FakeUpstream.start();
        bedrock = FakeUpstream.start();
        gateway = TestGateway.start("providers:\n"
                + Upstreams.provider("chat", chat)
                + Upstreams.provider("native", responses, "responses_api: true")
                + """
                  - { id: claude, protocol: anthropic, base_url: "http://127.0.0.1:%d", api_key: sk-ant-test }
                  - { id: gemini, protocol: gemini, base_url: "http://127.0.0.1:%d", api_key: gemini-test }
                """.formatted(claude.port(), gemini.port())
                + BedrockUpstreamTest.bedrockProvider("bedrock", bedrock)
                + "models:\n"
                + Upstreams.model("test/chat", "chat") + Upstreams.model("test/native", "native")
                + Upstreams.model("test/claude", "claude") + Upstreams.model("test/gemini", "gemini")
                + Upstreams.model("test/bedrock", "bedrock"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        for (FakeUpstream upstream : List.of(chat, responses, claude, gemini, bedrock)) {
            upstream.close();
        }
    }

    static Stream<Arguments> requests() {
        List<Arguments> cases = new ArrayList<>();
        for (String file : List.of("codex-0.171.0.first-turn.json", "codex-0.171.0.tool-result-turn.json",
                "codex-0.171.0.first-turn.custom-model.json", "codex-0.171.0.tool-result-turn.custom-model.json")) {
            for (String upstream : List.of("chat", "native", "claude", "gemini", "bedrock")) {
                cases.add(Arguments.of(file, upstream));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("requests")
    void isAnsweredAsAResponsesStream(String file, String upstream) {
        JsonNode recorded = Json.parse(Fixtures.bytes("recorded/agents/" + file)).path("body");
        ObjectNode body = recorded.deepCopy();
        body.put("model", "test/" + upstream);
        FakeUpstream fake = programme(upstream);
        int before = fake.requestCount();

        HttpResponse<String> answer = gateway.post("/v1/responses", Json.string(body));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = events(answer.body());
        assertThat(events.getFirst().path("type").asText()).isEqualTo("response.created");
        assertThat(events.getLast().path("type").asText()).isEqualTo("response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
        }
        JsonNode completed = events.getLast().path("response");
        assertThat(completed.path("id").asText()).startsWith("resp_");
        assertThat(completed.path("usage").has("cost")).isTrue();
        assertThat(fake.requestCount()).isEqualTo(before + 1);
        assertUpstreamRequest(upstream, recorded, fake.last());
    }

    private static FakeUpstream programme(String upstream) {
        return switch (upstream) {
            case "chat" -> chat.enqueue(sse(Fixtures.text("openai/chat_stream_text.sse")));
            case "native" -> responses.enqueue(sse(Fixtures.text("openai/responses_stream_text_min.codex-accepted.sse")));
            case "claude" -> claude.enqueue(sse(Fixtures.text("anthropic/messages_stream.sse")));
            case "gemini" -> gemini.enqueue(sse(Fixtures.text("gemini/stream.sse")));
            case "bedrock" -> bedrock.enqueue(BedrockUpstreamTest.eventStream(
                    Fixtures.bytes("bedrock/converse_stream.eventstream.bin"), 64));
            default -> throw new IllegalArgumentException(upstream);
        };
    }

    private static void assertUpstreamRequest(String upstream, JsonNode recorded, FakeUpstream.Received received) {
        JsonNode sent = received.json();
        switch (upstream) {
            case "chat" -> {
                assertThat(received.path()).endsWith("/chat/completions");
                List<String> roles = new ArrayList<>();
                sent.path("messages").forEach(m -> roles.add(m.path("role").asText()));
                long developerItems = 0;
                for (JsonNode item : recorded.path("input")) {
                    if ("message".equals(item.path("type").asText()) && "developer".equals(item.path("role").asText())) {
                        developerItems++;
                    }
                }
                assertThat(roles.stream().filter("system"::equals).count()).isEqualTo(developerItems);
                boolean toolTurn = recorded.path("input").toString().contains("_call_output");
                assertThat(roles.contains("tool")).isEqualTo(toolTurn);
                // every tool is a function (namespaces flattened, custom tools as functions); web_search is dropped
                assertThat(sent.path("tools").size()).isGreaterThan(0);
                sent.path("tools").forEach(t -> {
                    assertThat(t.path("type").asText()).isEqualTo("function");
                    assertThat(t.path("function").path("name").asText()).matches("[a-zA-Z0-9_-]{1,64}");
                });
            }
            case "native" -> {
                assertThat(received.path()).endsWith("/responses");
                ObjectNode expected = recorded.deepCopy();
                expected.put("model", "upstream-native");
                expected.put("store", false);
                assertThat(sent).isEqualTo(expected);
            }
            case "claude" -> {
                assertThat(received.path()).isEqualTo("/v1/messages");
                assertThat(sent.path("messages").size()).isGreaterThan(0);
                assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("user");
            }
            case "gemini" -> assertThat(received.path()).contains(":streamGenerateContent");
            case "bedrock" -> assertThat(received.path()).contains("/converse-stream");
            default -> throw new IllegalArgumentException(upstream);
        }
    }

    private static List<JsonNode> events(String sse) {
        List<JsonNode> events = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("data: ")) {
                    events.add(Json.parse(line.substring(6)));
                }
            }
        }
        return events;
    }
}
