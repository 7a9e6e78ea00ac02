package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OpenAI chat requests to Anthropic Messages bodies. */
class MessagesRequestTest {
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    @Test
    void translatesToTheAssembledAnthropicRequestFixtureExactly() {
        ChatRequest request = ChatRequest.decode(Golden.read("messages_request.openai.json").getBytes(StandardCharsets.UTF_8));

        JsonNode body = wire(MessagesRequest.translate(request, "claude-sonnet-4-5", 64_000L));

        assertThat(body).isEqualTo(Json.parse(Fixtures.bytes("anthropic/messages_request.json")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"openai/chat_request.json, chat_request.messages.json",
            "openai/chat_request_tool_result.json, chat_request_tool_result.messages.json"})
    void translatesTheOpenAiRequestFixtures(String fixture, String golden) {
        JsonNode body = MessagesRequest.translate(ChatRequest.decode(Fixtures.bytes(fixture)), "claude-sonnet-4-5-20250929",
                64_000L);

        Golden.assertJson(golden, Json.bytes(body));
    }

    @Test
    void aToolResultTurnFollowsTheToolUseTurn() {
        JsonNode turns = translate(Fixtures.text("openai/chat_request_tool_result.json")).get("messages");

        assertThat(turns).hasSize(3);
        assertThat(turns.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(turns.get(1).at("/content/0")).isEqualTo(Json.parse("""
                {"type":"tool_use","id":"call_2Uzw0AEZQeOex2CP2TKjcLKc","name":"get_weather","input":{"location":"San Francisco, CA"}}"""));
        assertThat(turns.get(2)).isEqualTo(Json.parse("""
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_2Uzw0AEZQeOex2CP2TKjcLKc",
                 "content":"15 degrees, partly cloudy"}]}"""));
    }

    @Test
    void consecutiveToolMessagesBecomeOneUserTurnWithTheResultsBeforeTheText() {
        JsonNode turns = translate("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":"","tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"w","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"call_2","type":"function","function":{"name":"w","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"20C"},
                  {"role":"user","content":"Also, be brief."},
                  {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"25C"}]}]}""").get("messages");

        assertThat(turns).hasSize(3);
        // empty assistant text is dropped: Anthropic rejects empty text blocks
        assertThat(turns.get(1).get("content")).hasSize(2);
        assertThat(turns.get(2)).isEqualTo(Json.parse("""
                {"role":"user","content":[
                  {"type":"tool_result","tool_use_id":"call_1","content":"20C"},
                  {"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"25C"}]},
                  {"type":"text","text":"Also, be brief."}]}"""));
    }

    @Test
    void systemAndDeveloperMessagesAreHoistedAndJoinedWithANewline() {
        JsonNode body = translate("""
                {"model":"m","messages":[
                  {"role":"system","content":"Be kind."},
                  {"role":"user","content":"Hi"},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                  {"role":"user","content":"Again"}]}""");

        assertThat(body.get("system").asText()).isEqualTo("Be kind.\nAnswer in French.");
        // the two user turns, no longer separated, are merged
        assertThat(body.get("messages")).hasSize(1);
        assertThat(body.at("/messages/0/content")).hasSize(2);
    }

    @Test
    void aSystemPromptWithACacheBreakpointStaysABlockList() {
        JsonNode body = translate("""
                {"model":"m","messages":[
                  {"role":"system","content":"Rules."},
                  {"role":"system","content":[{"type":"text","text":"Long document","cache_control":{"type":"ephemeral","ttl":"1h"}}]},
                  {"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}],
                 "cache_control":{"type":"ephemeral"}}""");

        assertThat(body.get("system")).isEqualTo(Json.parse("""
                [{"type":"text","text":"Rules."},
                 {"type":"text","text":"Long document","cache_control":{"type":"ephemeral","ttl":"1h"}}]"""));
        assertThat(body.at("/messages/0/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.get("cache_control")).isEqualTo(Json.parse("{\"type\":\"ephemeral\"}"));
    }

    @Test
    void imagesBecomeBase64OrUrlSourcesAndPdfsDocuments() {
        JsonNode content = translate("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"data:image/jpg;base64,/9j/4AAQ","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"http://example.com/a.webp"}},
                  {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}}]}]}""")
                .at("/messages/0/content");

        assertThat(content.get(0)).isEqualTo(Json.parse("""
                {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}"""));
        assertThat(content.get(1)).isEqualTo(Json.parse("""
                {"type":"image","source":{"type":"url","url":"http://example.com/a.webp"}}"""));
        assertThat(content.get(2)).isEqualTo(Json.parse("""
                {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}}"""));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/bmp;base64,Qk0=\"}} | messages[0].content[0].image_url.url",
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png,rawbytes\"}} | messages[0].content[0].image_url.url",
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://example.com/a.png\"}} | messages[0].content[0].image_url.url",
            "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":\"wav\"}} | messages[0].content[0]",
            "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc\"}} | messages[0].content[0].file",
            "{\"type\":\"video\",\"video\":{}} | messages[0].content[0]"})
    void refusesContentAnthropicCannotTake(String part, String param) {
        assertThatThrownBy(() -> translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[" + part + "]}]}"))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).param()).isEqualTo(param));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json | messages[1].tool_calls[0].function.arguments",
            "[1,2] | messages[1].tool_calls[0].function.arguments"})
    void refusesToolCallArgumentsThatAreNotAJsonObject(String arguments, String param) {
        String request = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"tool_calls\":"
                + "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
                + Json.string(Json.MAPPER.getNodeFactory().textNode(arguments)) + "}}]}]}";

        assertThatThrownBy(() -> translate(request)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("expected a JSON object")
                .satisfies(e -> assertThat(((InvalidRequestException) e).param()).isEqualTo(param));
    }

    @Test
    void blankToolCallArgumentsAreAnEmptyInput() {
        JsonNode body = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}]}""");

        assertThat(body.at("/messages/1/content/0/input")).isEqualTo(Json.object());
    }

    @Test
    void refusesWhatHasNoAnthropicForm() {
        assertThatThrownBy(() -> translate("{\"model\":\"m\",\"n\":2," + HI + "}")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("n: must be 1 for Anthropic upstreams (they return one choice)");
        assertThatThrownBy(() -> translate("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Only rules\"}]}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least one user or assistant message");
        assertThatThrownBy(() -> translate("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"))
                .isInstanceOf(InvalidRequestException.class).hasMessage("messages[0].tool_call_id: required");
        assertThatThrownBy(() -> translate("{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("\"function\" role is not supported");
        assertThatThrownBy(() -> translate("{\"model\":\"m\"," + HI + ",\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("only function tools");
        assertThatThrownBy(() -> translate("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"extreme\"}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("reasoning_effort: expected one of");
        assertThat(translate("{\"model\":\"m\",\"n\":1," + HI + "}").has("n")).isFalse();
    }

    @ParameterizedTest(name = "request {0}, endpoint {1} -> {2}")
    @CsvSource({"300, 8192, 300", ", 8192, 8192", ", , 4096"})
    void alwaysSetsMaxTokens(Long requested, Long endpointMax, long expected) {
        String field = requested == null ? "" : ",\"max_completion_tokens\":" + requested;
        ChatRequest request = ChatRequest.decode(("{\"model\":\"m\"," + HI + field + "}").getBytes(StandardCharsets.UTF_8));

        assertThat(MessagesRequest.translate(request, "claude", endpointMax).get("max_tokens").asLong()).isEqualTo(expected);
    }

    @Test
    void maxCompletionTokensWinsOverTheDeprecatedMaxTokens() {
        assertThat(translate("{\"model\":\"m\"," + HI + ",\"max_tokens\":100,\"max_completion_tokens\":200}")
                .get("max_tokens").asLong()).isEqualTo(200);
    }

    @Test
    void samplingParameters() {
        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"temperature\":1.7,\"top_p\":0.9,\"top_k\":40,\"stop\":[\"END\",\" \",\"\\n\"]}");

        assertThat(body.get("temperature").asDouble()).isEqualTo(1.0);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        // whitespace-only stop sequences are dropped (Anthropic's compatibility page: only non-whitespace ones work)
        assertThat(body.get("stop_sequences")).isEqualTo(Json.parse("[\"END\"]"));
        assertThat(translate("{\"model\":\"m\"," + HI + ",\"temperature\":0.25}").get("temperature").decimalValue())
                .isEqualByComparingTo("0.25");
    }

    @ParameterizedTest(name = "{0} + parallel {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "\"auto\" | | {\"type\":\"auto\"}",
            "\"required\" | | {\"type\":\"any\"}",
            "\"none\" | | {\"type\":\"none\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}} | | {\"type\":\"tool\",\"name\":\"get_weather\"}",
            "\"required\" | false | {\"type\":\"any\",\"disable_parallel_tool_use\":true}",
            " | false | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
            "\"none\" | false | {\"type\":\"none\"}",
            " | true | {\"type\":\"auto\",\"disable_parallel_tool_use\":false}"})
    void mapsToolChoiceAndParallelToolCalls(String toolChoice, String parallel, String expected) {
        String fields = (toolChoice == null ? "" : ",\"tool_choice\":" + toolChoice)
                + (parallel == null ? "" : ",\"parallel_tool_calls\":" + parallel);

        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]"
                + fields + "}");

        assertThat(body.get("tool_choice")).isEqualTo(Json.parse(expected));
        assertThat(body.at("/tools/0")).isEqualTo(Json.parse("""
                {"name":"get_weather","input_schema":{"type":"object","properties":{}}}"""));
    }

    @Test
    void noToolsMeansNoToolChoice() {
        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"tools\":[],\"tool_choice\":\"auto\",\"parallel_tool_calls\":false}");

        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
    }

    @Test
    void userBecomesMetadataAndStreamIsPassedOn() {
        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"user\":\"u-42\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertThat(body.get("metadata")).isEqualTo(Json.parse("{\"user_id\":\"u-42\"}"));
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void fieldsAnthropicLacksAreDropped() {
        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"seed\":1,\"logprobs\":true,\"top_logprobs\":2,"
                + "\"frequency_penalty\":1,\"presence_penalty\":1,\"logit_bias\":{\"1\":1},\"response_format\":{\"type\":\"text\"},"
                + "\"service_tier\":\"flex\",\"store\":true,\"metadata\":{\"a\":\"b\"},\"modalities\":[\"text\"],"
                + "\"prediction\":{\"type\":\"content\",\"content\":\"x\"},\"verbosity\":\"low\",\"x_unknown\":{\"a\":1},"
                + "\"provider\":{\"sort\":\"price\"},\"models\":[\"m\"],\"transforms\":[],\"usage\":{\"include\":true}}");

        assertThat(body.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("model", "max_tokens", "messages", "stream");
    }

    @ParameterizedTest(name = "{0}, max_tokens {1} -> budget {2}")
    @CsvSource(delimiter = '|', value = {
            "\"reasoning_effort\":\"minimal\" | 20000 | 2000",
            "\"reasoning_effort\":\"low\" | 20000 | 4000",
            "\"reasoning_effort\":\"medium\" | 20000 | 10000",
            "\"reasoning_effort\":\"high\" | 20000 | 16000",
            "\"reasoning_effort\":\"xhigh\" | 20000 | 19000",
            "\"reasoning\":{\"effort\":\"high\"} | 20000 | 16000",
            "\"reasoning\":{\"enabled\":true} | 20000 | 10000",
            "\"reasoning\":{\"max_tokens\":3000} | 20000 | 3000",
            // the spec's minimum budget, and always below max_tokens
            "\"reasoning_effort\":\"low\" | 2000 | 1024",
            "\"reasoning\":{\"max_tokens\":50000} | 20000 | 19999",
            "\"reasoning\":{\"max_tokens\":10} | 20000 | 1024"})
    void reasoningBecomesAThinkingBudget(String reasoning, long maxTokens, long budget) {
        JsonNode body = translate("{\"model\":\"m\"," + HI + "," + reasoning + ",\"max_tokens\":" + maxTokens + "}");

        assertThat(body.get("thinking")).isEqualTo(Json.parse("{\"type\":\"enabled\",\"budget_tokens\":" + budget + "}"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"reasoning_effort\":\"none\",\"max_tokens\":8000",
            "\"reasoning\":{\"enabled\":false,\"effort\":\"high\"},\"max_tokens\":8000",
            // no room to think: the budget must be at least 1,024 and below max_tokens
            "\"reasoning_effort\":\"high\",\"max_tokens\":1024",
            // forcing a tool call is incompatible with thinking: the tool choice wins
            "\"reasoning_effort\":\"high\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"required\""})
    void noThinking(String fields) {
        assertThat(translate("{\"model\":\"m\"," + HI + "," + fields + "}").has("thinking")).isFalse();
    }

    @Test
    void withThinkingTemperatureAndTopKAreDroppedAndTopPKeptAtOrAbove095() {
        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"medium\",\"max_tokens\":8000,"
                + "\"temperature\":0.2,\"top_k\":5,\"top_p\":0.5}");

        assertThat(body.has("thinking")).isTrue();
        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("top_k")).isFalse();
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.95);
    }

    @Test
    void anthropicsOwnThinkingObjectIsPassedOn() {
        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"thinking\":{\"type\":\"adaptive\"},\"reasoning_effort\":\"low\"}");

        assertThat(body.get("thinking")).isEqualTo(Json.parse("{\"type\":\"adaptive\"}"));
    }

    /** Thinking this adapter answered (as reasoning_details) goes back as signed thinking blocks, before the text. */
    @Test
    void signedReasoningDetailsGoBackAsThinkingBlocks() {
        JsonNode body = translate("""
                {"model":"m","messages":[
                  {"role":"user","content":"Hi"},
                  {"role":"assistant","content":"21","reasoning":"Let me think",
                   "reasoning_details":[
                     {"type":"reasoning.text","text":"Let me think","signature":"EqQB","index":0,"format":"anthropic-claude-v1"},
                     {"type":"reasoning.encrypted","data":"EmwK","index":1},
                     {"type":"reasoning.text","text":"unsigned, from elsewhere","index":2}]},
                  {"role":"user","content":"Why?"}]}""");

        assertThat(body.at("/messages/1/content")).isEqualTo(Json.parse("""
                [{"type":"thinking","thinking":"Let me think","signature":"EqQB"},
                 {"type":"redacted_thinking","data":"EmwK"},
                 {"type":"text","text":"21"}]"""));
    }

    @Test
    void aJsonSchemaFormatIsAForcedToolWithTheSchemaAsInput() {
        JsonNode body = translate("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"high\",\"response_format\":"
                + "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"strict\":true,"
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}}}}");

        assertThat(body.get("tools")).hasSize(1);
        assertThat(body.at("/tools/0/name").asText()).isEqualTo("json_response");
        assertThat(body.at("/tools/0/input_schema")).isEqualTo(Json.parse("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}"));
        assertThat(body.get("tool_choice")).isEqualTo(Json.parse("{\"type\":\"tool\",\"name\":\"json_response\"}"));
        assertThat(body.has("thinking")).isFalse(); // a forced tool and thinking do not go together
    }

    @Test
    void besideTheClientsToolsTheModelMustCallOneOfThemOrAnswerThroughTheOutputTool() {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}]";
        JsonNode auto = translate("{\"model\":\"m\"," + HI + tools + ",\"parallel_tool_calls\":false,"
                + "\"response_format\":{\"type\":\"json_object\"}}");
        JsonNode none = translate("{\"model\":\"m\"," + HI + tools + ",\"tool_choice\":\"none\","
                + "\"response_format\":{\"type\":\"json_object\"}}");

        assertThat(auto.get("tools").findValuesAsText("name")).containsExactly("lookup", "json_response");
        assertThat(auto.get("tool_choice")).isEqualTo(Json.parse("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"));
        assertThat(none.get("tools").findValuesAsText("name")).containsExactly("json_response");
        assertThat(none.at("/tool_choice/type").asText()).isEqualTo("tool");
    }

    @Test
    void aSchemaWhoseRootIsNotAnObjectIsA400NamingIt() {
        assertThatThrownBy(() -> translate("{\"model\":\"m\"," + HI + ",\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"a\",\"schema\":{\"type\":\"array\"}}}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("response_format.json_schema.schema.type"));
    }

    private static JsonNode translate(String request) {
        return wire(MessagesRequest.translate(ChatRequest.decode(request.getBytes(StandardCharsets.UTF_8)), "claude", 64_000L));
    }

    /** The body as the upstream reads it (numbers typed by their text, as in the expected JSON). */
    private static JsonNode wire(JsonNode body) {
        return Json.parse(Json.bytes(body));
    }
}
