package dev.switchboard.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagesToChatTest {

    private static JsonNode translate(String anthropicJson) {
        return Json.parse(MessagesToChat.toChat(anthropicJson.getBytes(StandardCharsets.UTF_8)));
    }

    /** The official request fixture (system with cache_control, images, tool_use, tool_result, tools, stop) in full. */
    @Test
    void theRecordedRequestBecomesThisChatRequest() {
        JsonNode chat = Json.parse(MessagesToChat.toChat(Fixtures.bytes("anthropic/messages_request.json")));

        assertThat(chat).isEqualTo(Json.parse("""
                {
                  "model": "claude-sonnet-4-5",
                  "max_tokens": 1024,
                  "stop": ["\\n\\nHuman:"],
                  "temperature": 0.7,
                  "stream": false,
                  "user": "user-1234",
                  "messages": [
                    {"role": "system", "content": "You are a helpful assistant."},
                    {"role": "user", "content": [
                      {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="}},
                      {"type": "image_url", "image_url": {"url": "https://example.com/photo.jpg"}},
                      {"type": "text", "text": "What is the weather like where these photos were taken?"}
                    ]},
                    {"role": "assistant", "content": "I'll check the current weather in San Francisco for you.",
                     "tool_calls": [{"id": "toolu_01A09q90qw90lq917835lq9", "type": "function",
                       "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"San Francisco, CA\\",\\"unit\\":\\"celsius\\"}"}}]},
                    {"role": "tool", "tool_call_id": "toolu_01A09q90qw90lq917835lq9", "content": "15 degrees"},
                    {"role": "user", "content": "Thanks - and should I bring an umbrella?"}
                  ],
                  "tools": [{"type": "function", "function": {
                    "name": "get_weather",
                    "description": "Get the current weather in a given location",
                    "parameters": {"type": "object",
                      "properties": {"location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                                     "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                      "required": ["location"]}}}],
                  "tool_choice": "auto"
                }"""));
        // and the gateway accepts it as a chat request
        ChatRequest decoded = ChatRequest.decode(MessagesToChat.toChat(Fixtures.bytes("anthropic/messages_request.json")));
        assertThat(decoded.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(decoded.hasTools()).isTrue();
        assertThat(decoded.maxTokens()).isEqualTo(1024);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"any\"}                            | \"required\"",
            "{\"type\":\"none\"}                           | \"none\"",
            "{\"type\":\"tool\",\"name\":\"f\"}            | {\"type\":\"function\",\"function\":{\"name\":\"f\"}}",
    })
    void toolChoiceMapsToOpenAiNames(String anthropic, String openAi) {
        JsonNode chat = translate("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tool_choice\":" + anthropic + "}");
        assertThat(chat.get("tool_choice")).isEqualTo(Json.parse(openAi));
    }

    @Test
    void disablingParallelToolUseAndStreamingUsage() {
        JsonNode chat = translate("""
                {"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}],
                 "tool_choice":{"type":"auto","disable_parallel_tool_use":true},
                 "thinking":{"type":"enabled","budget_tokens":2000}, "top_k": 5, "provider": {"sort": "price"}}""");
        assertThat(chat.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(chat.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(chat.has("thinking")).as("thinking needs an Anthropic upstream; dropped").isFalse();
        assertThat(chat.path("top_k").asInt()).isEqualTo(5);
        assertThat(chat.path("provider").path("sort").asText()).as("routing extensions pass").isEqualTo("price");
    }

    @Test
    void thinkingBlocksInHistoryAreDroppedAndErrorsInToolResultsAreMarked() {
        JsonNode chat = translate("""
                {"model":"m","max_tokens":5,"messages":[
                  {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
                                                 {"type":"tool_use","id":"t1","name":"f","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,
                                             "content":[{"type":"text","text":"boom"}]}]}]}""");
        JsonNode assistant = chat.path("messages").get(0);
        assertThat(assistant.path("content").isNull()).isTrue();
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{}");
        assertThat(chat.path("messages").get(1)).isEqualTo(Json.parse(
                "{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"Error: boom\"}"));
        assertThat(chat.path("messages")).hasSize(2);
    }

    /** The body Claude Code 2.1.332 really sent (fixtures/recorded/agents). */
    static byte[] claudeCode(String turn) {
        return Json.bytes(Json.parse(Fixtures.bytes("recorded/agents/claude-code-2.1.332." + turn + ".json")).get("body"));
    }

    @ParameterizedTest
    @CsvSource({"first-turn, medium", "first-turn.custom-model, high", "tool-result-turn, medium"})
    void claudeCodeRequestsTranslateWithTheirSystemTurnInPlace(String turn, String effort) {
        JsonNode chat = Json.parse(MessagesToChat.toChat(claudeCode(turn)));

        JsonNode messages = chat.get("messages");
        assertThat(messages.findValuesAsText("role")).startsWith("system", "user", "system");
        assertThat(messages.get(0).get("content").asText()).startsWith("x-anthropic-billing-header");
        assertThat(messages.get(2).get("content").asText()).contains("characters of the client's own prompt text");
        assertThat(chat.get("reasoning_effort").asText()).isEqualTo(effort);
        assertThat(chat.has("context_management") || chat.has("output_config") || chat.has("thinking")).isFalse();
        // the deferred placeholder is loaded on demand on Anthropic's side: the model is not shown it
        assertThat(toolNames(chat)).hasSize(11).doesNotContain("DeferredToolPlaceholder");
        assertThat(chat.get("user").asText()).startsWith("{\"device_id\"");
        assertThat(ChatRequest.decode(MessagesToChat.toChat(claudeCode(turn))).stream()).isTrue();
    }

    private static java.util.List<String> toolNames(JsonNode chat) {
        java.util.List<String> names = new java.util.ArrayList<>();
        chat.get("tools").forEach(tool -> names.add(tool.at("/function/name").asText()));
        return names;
    }

    @Test
    void theToolResultTurnKeepsItsOrderAndItsResultText() {
        JsonNode messages = Json.parse(MessagesToChat.toChat(claudeCode("tool-result-turn"))).get("messages");

        assertThat(messages.findValuesAsText("role")).containsExactly("system", "user", "system", "assistant", "tool");
        assertThat(messages.get(3).at("/tool_calls/0/function/name").asText()).isEqualTo("Read");
        assertThat(messages.get(4).get("content").asText()).isEqualTo("1\thello from the fixture file\n2\t");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"output_config\":{\"effort\":\"low\"}                                          | low",
            "\"output_config\":{\"effort\":\"max\"}                                          | high",
            "\"thinking\":{\"type\":\"adaptive\"}                                            | medium",
            "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}                       | medium",
            "\"thinking\":{\"type\":\"adaptive\"},\"output_config\":{\"effort\":\"high\"}     | high",
    })
    void effortAndThinkingBecomeReasoningEffort(String members, String effort) {
        JsonNode chat = translate("{\"model\":\"m\",\"max_tokens\":5," + members
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(chat.get("reasoning_effort").asText()).isEqualTo(effort);
    }

    @Test
    void anEffortSetOnATurnAppliesFromThereOnAndNoThinkingMeansNoEffort() {
        JsonNode chat = translate("""
                {"model":"m","max_tokens":5,"output_config":{"effort":"low"},"messages":[
                  {"role":"user","content":"x"},
                  {"role":"system","content":[{"type":"text","text":"be thorough"}],"output_config":{"effort":"high"}}]}""");
        assertThat(chat.get("reasoning_effort").asText()).isEqualTo("high");
        assertThat(chat.get("messages").get(1)).isEqualTo(Json.parse("{\"role\":\"system\",\"content\":\"be thorough\"}"));

        assertThat(translate("{\"model\":\"m\",\"max_tokens\":5,\"thinking\":{\"type\":\"disabled\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").has("reasoning_effort")).isFalse();
    }

    @Test
    void aDeferredToolIsSentOnceAToolSearchLoadedIt() {
        JsonNode chat = translate("""
                {"model":"m","max_tokens":5,"tools":[{"name":"search","input_schema":{"type":"object"}},
                   {"name":"weather","defer_loading":true,"input_schema":{"type":"object"}},
                   {"name":"stocks","defer_loading":true,"input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"x"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"search","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1",
                     "content":[{"type":"tool_reference","tool_name":"weather"}]}]}]}""");
        assertThat(toolNames(chat)).containsExactly("search", "weather");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"max_tokens\":5,\"messages\":[]}                                              | model",
            "{\"model\":\"m\",\"messages\":[]}                                               | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}                              | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":5}                                              | messages",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]} | messages.0.role",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"content\":\"x\"}]}                | messages.0.role",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":5}]}     | messages.0.content",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image\"}]}]} | messages.0.content.0.type",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tools\":{\"name\":\"f\"}}                | tools",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tools\":[{\"input_schema\":{}}]}          | tools.0.name",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tools\":[{\"name\":\"f\"},{\"name\":\"\"}]} | tools.1.name",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":5}]}       | messages.0.content",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]} | messages.0.content.0.type",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tool_choice\":{\"type\":\"sometimes\"}} | tool_choice.type",
    })
    void badRequestsNameTheField(String body, String param) {
        assertThatThrownBy(() -> translate(body))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo(param));
    }

    @Test
    void malformedJsonSaysWhere() {
        assertThatThrownBy(() -> translate("{\"model\": \n  ,}"))
                .isInstanceOfSatisfying(MalformedJsonException.class, e -> assertThat(e.line()).isEqualTo(2));
    }
}
