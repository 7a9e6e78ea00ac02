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

class MessagesRequestTest {

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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"max_tokens\":5,\"messages\":[]}                                              | model",
            "{\"model\":\"m\",\"messages\":[]}                                               | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}                              | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":5}                                              | messages",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]} | messages.0.role",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":5}]}       | messages.0.content",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]} | messages.0.content.0.type",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"w\"}]} | tools",
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
