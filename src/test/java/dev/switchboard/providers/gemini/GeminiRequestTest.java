package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OpenAI Chat Completions request → Gemini GenerateContentRequest. */
class GeminiRequestTest {

    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    static JsonNode translate(String openAiJson) {
        return translate(openAiJson.getBytes(StandardCharsets.UTF_8));
    }

    /** The upstream body as it goes on the wire (serialized and read back, so number types compare as JSON). */
    private static JsonNode translate(byte[] openAiJson) {
        return Json.parse(Json.bytes(GeminiRequest.translate(ChatRequest.decode(openAiJson))));
    }

    private static String request(String messages, String rest) {
        return "{\"model\":\"google/gemini-2.5-flash\",\"messages\":" + messages + (rest.isEmpty() ? "" : "," + rest) + "}";
    }

    private static String user(String text) {
        return "[{\"role\":\"user\",\"content\":\"" + text + "\"}]";
    }

    private static InvalidRequestException rejected(String openAiJson) {
        return catchThrowableOfType(InvalidRequestException.class, () -> translate(openAiJson));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The OpenAI conversation that fixtures/gemini/generate_request.json (ASSEMBLED per proto) is the Gemini form of. */
    private static final String GOLDEN_OPENAI = """
            {"model": "google/gemini-2.5-flash",
             "messages": [
               {"role": "system", "content": "You are a helpful assistant."},
               {"role": "user", "content": [
                 {"type": "text", "text": "What is the weather like where this photo was taken?"},
                 {"type": "image_url", "image_url": {"url": "data:image/png;base64,%s", "detail": "auto"}}]},
               {"role": "assistant", "content": null, "tool_calls": [{"id": "call_2Uzw0AEZQeOex2CP2TKjcLKc",
                 "type": "function", "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"San Francisco, CA\\"}"}}]},
               {"role": "tool", "tool_call_id": "call_2Uzw0AEZQeOex2CP2TKjcLKc", "content": "15 degrees, partly cloudy"}],
             "tools": [{"type": "function", "function": {"name": "get_weather",
               "description": "Get the current weather in a given location",
               "parameters": {"type": "object", "properties": {
                   "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                   "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                 "required": ["location"]},
               "strict": false}}],
             "tool_choice": "auto", "parallel_tool_calls": true,
             "max_completion_tokens": 1024, "temperature": 0.7, "top_p": 0.95, "stop": ["\\n\\nUser:"], "n": 1,
             "stream": true, "stream_options": {"include_usage": true}, "user": "end-user-1"}
            """.formatted(PNG);

    @Test
    void translatesTheGoldenConversationIntoTheFixtureBody() {
        JsonNode translated = translate(GOLDEN_OPENAI);
        ObjectNode expected = (ObjectNode) Json.parse(Fixtures.bytes("gemini/generate_request.json"));
        // The fixture declares the tool with `parameters`, the OpenAPI-3.0 subset with upper-case types.
        // content.proto allows `parametersJsonSchema` instead (mutually exclusive) and MAPPING.md §4
        // prefers it: the client's JSON Schema goes as it is, so nothing is lost in a conversion.
        ObjectNode declaration = (ObjectNode) expected.at("/tools/0/functionDeclarations/0");
        declaration.remove("parameters");
        declaration.set("parametersJsonSchema", Json.parse(GOLDEN_OPENAI).at("/tools/0/function/parameters"));

        assertThat(translated).isEqualTo(expected);
    }

    @Test
    void translatesTheOpenAiRequestFixture() {
        JsonNode body = translate(Fixtures.bytes("openai/chat_request.json"));

        assertThat(names(body)).containsExactly("systemInstruction", "contents", "tools", "toolConfig", "generationConfig");
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are a helpful assistant.");
        assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(body.at("/contents/0/parts/1/inlineData/data").asText()).isEqualTo(PNG);
        assertThat(body.at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("AUTO");
        assertThat(body.at("/generationConfig").toString())
                .isEqualTo("{\"stopSequences\":[\"\\n\\nUser:\"],\"maxOutputTokens\":1024,\"temperature\":0.7}");
    }

    @Test
    void aToolResultTurnNamesTheFunctionOfTheMatchingCall() {
        JsonNode body = translate(Fixtures.bytes("openai/chat_request_tool_result.json"));

        assertThat(body.at("/contents/1").toString()).isEqualTo("{\"role\":\"model\",\"parts\":[{\"functionCall\":"
                + "{\"name\":\"get_weather\",\"args\":{\"location\":\"San Francisco, CA\"}}}]}");
        assertThat(body.at("/contents/2").toString()).isEqualTo("{\"role\":\"user\",\"parts\":[{\"functionResponse\":"
                + "{\"name\":\"get_weather\",\"response\":{\"result\":\"15 degrees, partly cloudy\"}}}]}");
    }

    @Test
    void parallelToolResultsAndFollowingUserTextShareOneUserTurn() {
        JsonNode body = translate(request("""
                [{"role":"user","content":"Weather in Paris and Rome?"},
                 {"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"a","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"id":"b","type":"function","function":{"name":"time","arguments":""}}]},
                 {"role":"tool","tool_call_id":"b","content":[{"type":"text","text":"{\\"time\\": "},{"type":"text","text":"\\"12:00\\"}"}]},
                 {"role":"tool","tool_call_id":"a","content":"[1, 2]"},
                 {"role":"user","content":"Thanks"}]""", ""));

        assertThat(body.get("contents")).hasSize(3);
        assertThat(body.at("/contents/1/parts").toString()).isEqualTo("[{\"text\":\"Checking.\"},"
                + "{\"functionCall\":{\"name\":\"weather\",\"args\":{\"city\":\"Paris\"}}},"
                + "{\"functionCall\":{\"name\":\"time\",\"args\":{}}}]");
        assertThat(body.at("/contents/2/parts").toString()).isEqualTo("[{\"functionResponse\":{\"name\":\"time\","
                + "\"response\":{\"time\":\"12:00\"}}},{\"functionResponse\":{\"name\":\"weather\","
                + "\"response\":{\"result\":\"[1, 2]\"}}},{\"text\":\"Thanks\"}]");
    }

    @Test
    void leadingSystemMessagesBecomeTheSystemInstructionLaterOnesStayInPlaceAsMarkedUserText() {
        JsonNode body = translate(request("""
                [{"role":"developer","content":[{"type":"text","text":"Be brief."}]},
                 {"role":"user","content":"Hi"},
                 {"role":"system","content":"Answer in French."},
                 {"role":"assistant","content":[{"type":"text","text":"Bonjour"}]},
                 {"role":"user","content":"Ça va?"}]""", ""));

        assertThat(body.at("/systemInstruction").toString()).isEqualTo("{\"parts\":[{\"text\":\"Be brief.\"}]}");
        assertThat(body.get("contents").findValuesAsText("role")).containsExactly("user", "model", "user");
        // merged into the user turn it followed, so the roles still alternate
        assertThat(body.at("/contents/0/parts").toString()).isEqualTo("[{\"text\":\"Hi\"},"
                + "{\"text\":\"<system_instruction>\\nAnswer in French.\\n</system_instruction>\"}]");
    }

    @Test
    void theLegacyFunctionRoleIsAFunctionResponse() {
        JsonNode body = translate(request("[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"function\",\"name\":\"lookup\",\"content\":\"{\\\"found\\\":true}\"}]", ""));

        assertThat(body.at("/contents/0/parts/1/functionResponse").toString())
                .isEqualTo("{\"name\":\"lookup\",\"response\":{\"found\":true}}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "auto"                                                          | {"mode":"AUTO"}
            "none"                                                          | {"mode":"NONE"}
            "required"                                                      | {"mode":"ANY"}
            {"type":"function","function":{"name":"b"}}                      | {"mode":"ANY","allowedFunctionNames":["b"]}
            {"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"b"}}]}} | {"mode":"ANY","allowedFunctionNames":["b"]}
            """)
    void mapsToolChoice(String toolChoice, String callingConfig) {
        JsonNode body = translate(request(user("Hi"), tools("a", "b") + ",\"tool_choice\":" + toolChoice));

        assertThat(body.at("/toolConfig/functionCallingConfig")).isEqualTo(Json.parse(callingConfig));
        assertThat(body.at("/tools/0/functionDeclarations").findValuesAsText("name")).containsExactly("a", "b");
    }

    @Test
    void allowedToolsInAutoModeDeclareOnlyTheAllowedFunctions() {
        JsonNode body = translate(request(user("Hi"), tools("a", "b", "c") + ",\"tool_choice\":{\"type\":\"allowed_tools\","
                + "\"allowed_tools\":{\"mode\":\"auto\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"c\"}}]}}"));

        assertThat(body.at("/toolConfig/functionCallingConfig").toString()).isEqualTo("{\"mode\":\"AUTO\"}");
        assertThat(body.at("/tools/0/functionDeclarations").findValuesAsText("name")).containsExactly("c");
    }

    @Test
    void withoutToolChoiceNoToolConfigIsSentAndAToolWithoutParametersHasNone() {
        JsonNode body = translate(request(user("Hi"), "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"now\"}}]"));

        assertThat(body.has("toolConfig")).isFalse();
        assertThat(body.at("/tools").toString()).isEqualTo("[{\"functionDeclarations\":[{\"name\":\"now\"}]}]");
    }

    private static String tools(String... names) {
        StringBuilder json = new StringBuilder("\"tools\":[");
        for (int i = 0; i < names.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"type\":\"function\",\"function\":{\"name\":\"").append(names[i])
                    .append("\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}");
        }
        return json.append(']').toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "response_format":{"type":"json_object"}  | {"responseMimeType":"application/json"}
            "response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}}}}} | {"responseMimeType":"application/json","responseJsonSchema":{"type":"object","properties":{"a":{"type":"string"}}}}
            "response_format":{"type":"text"}         | {}
            "stop":"END"                              | {"stopSequences":["END"]}
            "max_tokens":50,"seed":7,"n":2            | {"maxOutputTokens":50,"seed":7,"candidateCount":2}
            "max_tokens":50,"max_completion_tokens":60 | {"maxOutputTokens":60}
            "top_k":40,"presence_penalty":0.5,"frequency_penalty":-0.5 | {"topK":40,"presencePenalty":0.5,"frequencyPenalty":-0.5}
            "reasoning_effort":"low"                  | {"thinkingConfig":{"thinkingBudget":1024}}
            "reasoning_effort":"minimal"              | {"thinkingConfig":{"thinkingBudget":1024}}
            "reasoning_effort":"medium"               | {"thinkingConfig":{"thinkingBudget":8192}}
            "reasoning_effort":"high"                 | {"thinkingConfig":{"thinkingBudget":24576}}
            "reasoning_effort":"none"                 | {"thinkingConfig":{"thinkingBudget":0}}
            "reasoning":{"max_tokens":3000}           | {"thinkingConfig":{"thinkingBudget":3000}}
            "reasoning":{"effort":"high","exclude":true} | {"thinkingConfig":{"thinkingBudget":24576}}
            "reasoning":{"enabled":false}             | {"thinkingConfig":{"thinkingBudget":0}}
            "reasoning":{"enabled":true}              | {}
            "reasoning_effort":"high","reasoning":{"max_tokens":2000} | {"thinkingConfig":{"thinkingBudget":2000}}
            """)
    void mapsGenerationOptions(String fields, String generationConfig) {
        JsonNode body = translate(request(user("Hi"), fields));

        assertThat(body.path("generationConfig").isMissingNode() ? Json.object() : body.get("generationConfig"))
                .isEqualTo(Json.parse(generationConfig));
    }

    @Test
    void dropsWhatGeminiHasNoPlaceFor() {
        JsonNode body = translate(request(user("Hi"), "\"logprobs\":true,\"top_logprobs\":2,\"logit_bias\":{\"1\":2},"
                + "\"user\":\"u\",\"metadata\":{\"a\":\"b\"},\"store\":true,\"service_tier\":\"auto\",\"parallel_tool_calls\":false,"
                + "\"stream_options\":{\"include_usage\":true},\"include_reasoning\":true,\"x_vendor\":1,"
                + "\"provider\":{\"sort\":\"price\"},\"models\":[\"a/b\"]"));

        assertThat(names(body)).containsExactly("contents");
    }

    @Test
    void sendsMediaInlineOrAsFilesApiReferences() {
        String files = "https://generativelanguage.googleapis.com/v1beta/files/abc-123";
        JsonNode body = translate(request("""
                [{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"%s"}},
                  {"type":"image_url","image_url":{"url":"DATA:image/JPEG;base64,/9j/"}},
                  {"type":"input_audio","input_audio":{"data":"UklGR","format":"wav"}},
                  {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0"}}]}]"""
                .formatted(files), ""));

        assertThat(body.at("/contents/0/parts").toString()).isEqualTo("[{\"fileData\":{\"fileUri\":\"" + files + "\"}},"
                + "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"/9j/\"}},"
                + "{\"inlineData\":{\"mimeType\":\"audio/wav\",\"data\":\"UklGR\"}},"
                + "{\"inlineData\":{\"mimeType\":\"application/pdf\",\"data\":\"JVBERi0\"}}]");
    }

    @Test
    void refusesImageUrlsItWouldHaveToDownload() {
        InvalidRequestException e = rejected(request("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]", ""));

        assertThat(e.param()).isEqualTo("messages[0].content[1].image_url.url");
        assertThat(e.getMessage()).contains("data: URLs").contains("does not download");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            [{"role":"assistant","tool_calls":[{"id":"x","type":"function","function":{"name":"f","arguments":"{oops"}}]}] | messages[0].tool_calls[0].function.arguments
            [{"role":"assistant","tool_calls":[{"id":"x","type":"function","function":{"name":"f","arguments":"[1]"}}]}] | messages[0].tool_calls[0].function.arguments
            [{"role":"tool","tool_call_id":"nope","content":"1"}]                                                        | messages[0].tool_call_id
            [{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"flac"}}]}]              | messages[0].content[0].input_audio.format
            [{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]                                  | messages[0].content[0].file.file_data
            [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,plain"}}]}]                | messages[0].content[0].image_url.url
            [{"role":"user","content":[{"type":"video","video":{}}]}]                                                    | messages[0].content[0].type
            [{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}]          | messages[0].content[0].type
            [{"role":"narrator","content":"Once"}]                                                                       | messages[0].role
            """)
    void refusesMessagesGeminiCannotTake(String messages, String param) {
        assertThat(rejected(request(messages, "")).param()).isEqualTo(param);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            "tools":[{"type":"custom","custom":{"name":"grammar"}}]                                  | tools[0].type
            "tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":"sometimes"           | tool_choice
            "tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"custom","custom":{"name":"a"}}| tool_choice.type
            "response_format":{"type":"xml"}                                                           | response_format.type
            "reasoning_effort":"extreme"                                                               | reasoning_effort
            "temperature":"hot"                                                                        | temperature
            """)
    void refusesOptionsGeminiCannotTake(String fields, String param) {
        assertThat(rejected(request(user("Hi"), fields)).param()).isEqualTo(param);
    }

    @Test
    void emptyMessagesAddNoContent() {
        JsonNode body = translate(request("[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"\"},"
                + "{\"role\":\"user\",\"content\":null},{\"role\":\"user\",\"content\":\"Again\"}]", ""));

        assertThat(body.get("contents").toString())
                .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"},{\"text\":\"Again\"}]}]");
    }
}
