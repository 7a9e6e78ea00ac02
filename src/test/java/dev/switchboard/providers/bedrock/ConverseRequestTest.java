package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OpenAI Chat Completions request → Bedrock ConverseRequest. */
class ConverseRequestTest {

    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather",
              "description": "Get the current weather in a given location",
              "parameters": {"type": "object", "properties": {"location": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}}""";

    /** The OpenAI conversation that fixtures/bedrock/converse_request.json (ASSEMBLED per service-2.json) is the Converse form of. */
    private static final String GOLDEN_OPENAI = """
            {"model": "anthropic/claude-sonnet-4.5",
             "messages": [
               {"role": "system", "content": "You are a helpful assistant."},
               {"role": "user", "content": [
                 {"type": "text", "text": "What is the weather like where this photo was taken?"},
                 {"type": "image_url", "image_url": {"url": "data:image/png;base64,%s", "detail": "auto"}}]},
               {"role": "assistant", "content": "I'll look that up.", "tool_calls": [{"id": "tooluse_hr5juciYZJwUHpRczsw13R",
                 "type": "function", "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"San Francisco, CA\\"}"}}]},
               {"role": "tool", "tool_call_id": "tooluse_hr5juciYZJwUHpRczsw13R",
                 "content": "{\\"temperature_c\\": 15, \\"conditions\\": \\"partly cloudy\\"}"}],
             "max_tokens": 1024, "temperature": 0.7, "top_p": 0.95, "stop": ["\\n\\nHuman:"], "top_k": 250,
             "tools": [%s], "tool_choice": "auto", "stream_options": {"include_usage": true}, "user": "u-1"}"""
            .formatted(PNG, WEATHER_TOOL);

    static JsonNode translate(String openAiJson) {
        // serialized and read back, so number types compare as JSON
        return Json.parse(Json.bytes(ConverseRequest.translate(ChatRequest.decode(openAiJson.getBytes(StandardCharsets.UTF_8)))));
    }

    private static String request(String messages, String rest) {
        return "{\"model\":\"m\",\"messages\":" + messages + (rest.isEmpty() ? "" : "," + rest) + "}";
    }

    private static InvalidRequestException rejected(String openAiJson) {
        return catchThrowableOfType(InvalidRequestException.class, () -> translate(openAiJson));
    }

    @Test
    void translatesTheGoldenConversationToTheRecordedConverseBody() {
        ObjectNode expected = (ObjectNode) Json.parse(Fixtures.bytes("bedrock/converse_request.json"));
        // a cachePoint has no OpenAI form: the rest of the fixture is what the translation must give
        ((ArrayNode) expected.get("system")).remove(1);

        assertThat(translate(GOLDEN_OPENAI)).isEqualTo(expected);
    }

    @Test
    void leadingSystemMessagesBecomeSystemBlocksLaterOnesStayInPlaceAsMarkedUserText() {
        JsonNode body = translate(request("""
                [{"role":"system","content":"Be brief."},
                 {"role":"user","content":"Hi"},
                 {"role":"developer","content":[{"type":"text","text":"Answer"},{"type":"text","text":"in French."}]},
                 {"role":"assistant","content":"Bonjour"},
                 {"role":"system","content":"Now in German."}]""", ""));

        assertThat(body.get("system").toString()).isEqualTo("[{\"text\":\"Be brief.\"}]");
        // Converse wants alternating roles: a marked system turn joins the user turn beside it
        assertThat(body.get("messages").findValuesAsText("role")).containsExactly("user", "assistant", "user");
        assertThat(body.at("/messages/0/content").toString()).isEqualTo("[{\"text\":\"Hi\"},"
                + "{\"text\":\"<system_instruction>\\nAnswer\\nin French.\\n</system_instruction>\"}]");
        assertThat(body.at("/messages/2/content/0/text").asText())
                .isEqualTo("<system_instruction>\nNow in German.\n</system_instruction>");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'\"auto\"'                                              | {\"auto\":{}}",
            "'\"required\"'                                          | {\"any\":{}}",
            "'{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}' | {\"tool\":{\"name\":\"get_weather\"}}"})
    void mapsToolChoice(String toolChoice, String expected) {
        JsonNode body = translate(request("[{\"role\":\"user\",\"content\":\"Hi\"}]",
                "\"tools\":[" + WEATHER_TOOL + "],\"tool_choice\":" + toolChoice));

        assertThat(body.at("/toolConfig/toolChoice")).isEqualTo(Json.parse(expected));
        assertThat(body.at("/toolConfig/tools/0/toolSpec/inputSchema/json/required/0").asText()).isEqualTo("location");
    }

    @Test
    void toolChoiceNoneLeavesTheToolsOutSinceConverseHasNoNone() {
        JsonNode body = translate(request("[{\"role\":\"user\",\"content\":\"Hi\"}]",
                "\"tools\":[" + WEATHER_TOOL + "],\"tool_choice\":\"none\""));

        assertThat(body.has("toolConfig")).isFalse();
    }

    @Test
    void toolChoiceNoneKeepsTheToolsWithoutAChoiceWhenTheHistoryHoldsToolCalls() {
        JsonNode body = translate(request("""
                [{"role":"user","content":"Hi"},
                 {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"t1","content":"sunny"}]""",
                "\"tools\":[" + WEATHER_TOOL + "],\"tool_choice\":\"none\""));

        assertThat(body.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
        assertThat(body.at("/toolConfig").has("toolChoice")).isFalse();
    }

    @Test
    void mergesConsecutiveToolResultsIntoOneUserTurnAndSendsPlainTextAsText() {
        JsonNode body = translate(request("""
                [{"role":"user","content":"Hi"},
                 {"role":"assistant","content":"","tool_calls":[
                   {"id":"t1","type":"function","function":{"name":"a","arguments":""}},
                   {"id":"t2","type":"function","function":{"name":"b","arguments":"{\\"x\\":1}"}}]},
                 {"role":"tool","tool_call_id":"t1","content":"sunny"},
                 {"role":"tool","tool_call_id":"t2","content":[{"type":"text","text":"{\\"ok\\":true}"}]},
                 {"role":"user","content":"Thanks"}]""", ""));

        assertThat(body.get("messages")).isEqualTo(Json.parse("""
                [{"role":"user","content":[{"text":"Hi"}]},
                 {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"a","input":{}}},
                                                {"toolUse":{"toolUseId":"t2","name":"b","input":{"x":1}}}]},
                 {"role":"user","content":[
                   {"toolResult":{"toolUseId":"t1","content":[{"text":"sunny"}],"status":"success"}},
                   {"toolResult":{"toolUseId":"t2","content":[{"json":{"ok":true}}],"status":"success"}},
                   {"text":"Thanks"}]}]"""));
        assertThat(body.has("system")).isFalse();
        assertThat(body.has("inferenceConfig")).isFalse();
    }

    @Test
    void takesMaxCompletionTokensAndAStopString() {
        JsonNode body = translate(request("[{\"role\":\"user\",\"content\":\"Hi\"}]",
                "\"max_completion_tokens\":50,\"stop\":\"END\""));

        assertThat(body.get("inferenceConfig")).isEqualTo(Json.parse("{\"maxTokens\":50,\"stopSequences\":[\"END\"]}"));
    }

    @Test
    void allowedToolsDeclaresOnlyTheAllowedFunctions() {
        JsonNode body = translate(request("[{\"role\":\"user\",\"content\":\"Hi\"}]",
                "\"tools\":[" + WEATHER_TOOL + ",{\"type\":\"function\",\"function\":{\"name\":\"other\"}}],"
                        + "\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"required\","
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"other\"}}]}}"));

        assertThat(body.at("/toolConfig/tools")).hasSize(1);
        assertThat(body.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("other");
        assertThat(body.at("/toolConfig/tools/0/toolSpec/inputSchema/json")).isEqualTo(
                Json.parse("{\"type\":\"object\",\"properties\":{}}"));
        assertThat(body.at("/toolConfig/toolChoice")).isEqualTo(Json.parse("{\"any\":{}}"));
    }

    @Test
    void refusesImageUrlsItWouldHaveToDownload() {
        InvalidRequestException e = rejected(request("""
                [{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]""", ""));

        assertThat(e.param()).isEqualTo("messages[0].content[0].image_url.url");
        assertThat(e.getMessage()).contains("data: URLs");
    }

    @Test
    void refusesImageFormatsConverseDoesNotTake() {
        InvalidRequestException e = rejected(request("""
                [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}]}]""", ""));

        assertThat(e.getMessage()).contains("png, jpeg, gif or webp");
    }

    @Test
    void refusesToolArgumentsThatAreNotAJsonObject() {
        InvalidRequestException e = rejected(request("""
                [{"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"a","arguments":"[1]"}}]}]""", ""));

        assertThat(e.param()).isEqualTo("messages[0].tool_calls[0].function.arguments");
    }
}
