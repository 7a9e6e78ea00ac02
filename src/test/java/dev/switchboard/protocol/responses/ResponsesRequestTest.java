package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponsesRequestTest {

    private static ResponsesRequest request(String json) {
        return ResponsesRequest.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] codexBody(String name) {
        return Json.bytes(Json.parse(Fixtures.bytes("recorded/agents/codex-0.171.0." + name + ".json")).get("body"));
    }

    /** The chat body, also checked to be a request the gateway's own decoder accepts. */
    private static JsonNode chat(ResponsesRequest request, List<ObjectNode> history) {
        byte[] chat = request.toChat(history);
        ChatRequest.decode(chat);
        return Json.parse(chat);
    }

    private static List<String> roles(JsonNode chat) {
        List<String> roles = new ArrayList<>();
        chat.path("messages").forEach(m -> roles.add(m.path("role").asText()));
        return roles;
    }

    private static List<String> toolNames(JsonNode chat) {
        List<String> names = new ArrayList<>();
        chat.path("tools").forEach(t -> names.add(t.path("function").path("name").asText()));
        return names;
    }

    @Test
    void stringInputBecomesOneUserMessageItem() {
        ResponsesRequest request = request("{\"model\":\"openai/gpt-4.1\",\"input\":\"Hello\",\"instructions\":\"Be brief.\"}");

        assertThat(request.inputItems()).hasSize(1);
        ObjectNode item = request.inputItems().getFirst();
        assertThat(item.path("type").asText()).isEqualTo("message");
        assertThat(item.path("id").asText()).startsWith("msg_");
        assertThat(item.path("role").asText()).isEqualTo("user");
        assertThat(item.path("content")).isEqualTo(Json.parse("[{\"type\":\"input_text\",\"text\":\"Hello\"}]"));
        JsonNode chat = chat(request, List.of());
        assertThat(chat.path("messages")).isEqualTo(Json.parse(
                "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello\"}]"));
        assertThat(chat.path("model").asText()).isEqualTo("openai/gpt-4.1");
        assertThat(chat.has("stream")).isFalse();
        assertThat(request.store()).isTrue();
        assertThat(request.stream()).isFalse();
        assertThat(request.previousResponseId()).isNull();
    }

    @Test
    void codexCustomModelFirstTurnBecomesSystemAndUserMessagesWithFlattenedNamespaceTools() {
        ResponsesRequest request = ResponsesRequest.decode(codexBody("first-turn.custom-model"));
        JsonNode chat = chat(request, List.of());

        assertThat(request.model()).isEqualTo("openai/gpt-5.1");
        assertThat(request.stream()).isTrue();
        assertThat(request.store()).isFalse();
        assertThat(roles(chat)).containsExactly("system", "system", "user", "user");
        // the second developer message has two input_text parts: kept as two text parts
        assertThat(chat.path("messages").get(1).path("content").size()).isEqualTo(2);
        assertThat(chat.path("messages").get(3).path("content").asText()).isEqualTo("say hi");
        assertThat(toolNames(chat)).contains("exec_command", "write_stdin", "get_goal", "multi_agent_v1__close_agent")
                .doesNotContain("web_search", "");
        assertThat(request.hostedTools()).containsExactly("web_search");
        assertThat(request.toolNames().resolve("multi_agent_v1__close_agent"))
                .isEqualTo(new ToolNames.Tool("multi_agent_v1", "close_agent", false));
        assertThat(chat.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(chat.path("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(chat.path("prompt_cache_key").asText()).isEqualTo("01a23423-d766-7b41-833b-bdf614af070a");
        assertThat(chat.path("stream").asBoolean()).isTrue();
        assertThat(chat.path("stream_options")).isEqualTo(Json.parse("{\"include_usage\":true}"));
        for (String responsesOnly : List.of("input", "store", "include", "client_metadata", "reasoning", "instructions")) {
            assertThat(chat.has(responsesOnly)).as(responsesOnly).isFalse();
        }
    }

    @Test
    void codexCustomModelToolResultTurnBecomesAssistantToolCallAndToolMessage() {
        JsonNode chat = chat(ResponsesRequest.decode(codexBody("tool-result-turn.custom-model")), List.of());

        assertThat(roles(chat)).containsExactly("system", "system", "user", "user", "assistant", "tool");
        JsonNode assistant = chat.path("messages").get(4);
        assertThat(assistant.path("content").isNull()).isTrue();
        assertThat(assistant.path("tool_calls")).isEqualTo(Json.parse("[{\"id\":\"call_LocalRecorderExec01\",\"type\":\"function\","
                + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"echo hi\\\"}\"}}]"));
        JsonNode tool = chat.path("messages").get(5);
        assertThat(tool.path("tool_call_id").asText()).isEqualTo("call_LocalRecorderExec01");
        assertThat(tool.path("content").asText()).endsWith("Output:\nhi\n");
    }

    @Test
    void codexFirstTurnTakesItsToolsFromAdditionalToolsAndCustomToolsBecomeOneStringFunctions() {
        ResponsesRequest request = ResponsesRequest.decode(codexBody("first-turn"));
        JsonNode chat = chat(request, List.of());

        assertThat(roles(chat)).containsExactly("system", "system", "system", "system", "user", "user");
        assertThat(toolNames(chat)).contains("functions__exec");
        JsonNode exec = chat.path("tools").get(toolNames(chat).indexOf("functions__exec")).path("function");
        assertThat(exec.path("parameters").path("required")).isEqualTo(Json.parse("[\"input\"]"));
        assertThat(exec.path("parameters").path("properties").path("input").path("type").asText()).isEqualTo("string");
        assertThat(exec.path("parameters").path("properties").path("input").path("description").asText()).contains("lark");
        assertThat(request.toolNames().resolve("functions__exec")).isEqualTo(new ToolNames.Tool("functions", "exec", true));
        assertThat(chat.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(chat.path("verbosity").asText()).isEqualTo("low");
        assertThat(chat.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(request.inputItems()).allSatisfy(item -> assertThat(item.path("id").asText()).isNotEmpty());
        assertThat(request.inputItems().getFirst().path("id").asText()).isEqualTo("at_01a23423-9e4c-7992-8108-9d04fb186d3e");
    }

    @Test
    void codexCustomToolCallAndItsOutputBecomeAToolCallWithAnInputArgument() {
        JsonNode chat = chat(ResponsesRequest.decode(codexBody("tool-result-turn")), List.of());

        List<String> roles = roles(chat);
        assertThat(roles.subList(roles.size() - 2, roles.size())).containsExactly("assistant", "tool");
        JsonNode call = chat.path("messages").get(roles.size() - 2).path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("call_LocalRecorderExec02");
        assertThat(call.path("function").path("name").asText()).isEqualTo("functions__exec");
        assertThat(Json.parse(call.path("function").path("arguments").asText()).path("input").asText())
                .isEqualTo("const r = await tools.exec_command({ cmd: \"echo hi\" });\ntext(r.output);");
        assertThat(chat.path("messages").get(roles.size() - 1).path("content").asText())
                .isEqualTo("Script completed\nWall time 0.3 seconds\nOutput:\nhi\n");
    }

    @Test
    void consecutiveFunctionCallsBecomeOneAssistantMessageAndOutputsToolMessages() {
        JsonNode chat = chat(request("{\"model\":\"m\",\"input\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"w\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"c2\",\"name\":\"w\",\"arguments\":\"{\\\"x\\\":1}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"sunny\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"c2\",\"output\":[{\"type\":\"input_text\",\"text\":\"rain\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"https://x/y.png\"}]},"
                + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"abc\"}],"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"w\",\"parameters\":{\"type\":\"object\"}}]}"), List.of());

        assertThat(roles(chat)).containsExactly("user", "assistant", "tool", "tool", "user");
        assertThat(chat.path("messages").get(1).path("tool_calls").size()).isEqualTo(2);
        assertThat(chat.path("messages").get(3).path("content").asText()).isEqualTo("rain");
        // the image a tool returned follows the tool messages, as chat tool messages hold only text
        assertThat(chat.path("messages").get(4).path("content").get(1).path("image_url").path("url").asText())
                .isEqualTo("https://x/y.png");
    }

    @Test
    void historyComesBeforeInputAndInstructionsLead() {
        ResponsesRequest request = request("{\"model\":\"m\",\"instructions\":\"new rules\",\"previous_response_id\":\"resp_1\","
                + "\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_old\"},{\"role\":\"user\",\"content\":\"and now?\"}]}");
        List<ObjectNode> history = List.of(
                (ObjectNode) Json.parse("{\"type\":\"message\",\"id\":\"msg_old\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}"),
                (ObjectNode) Json.parse("{\"type\":\"message\",\"id\":\"msg_a\",\"role\":\"assistant\",\"status\":\"completed\","
                        + "\"content\":[{\"type\":\"output_text\",\"text\":\"hello\",\"annotations\":[]}]}"));

        JsonNode chat = chat(request, history);

        assertThat(request.previousResponseId()).isEqualTo("resp_1");
        assertThat(chat.path("messages")).isEqualTo(Json.parse("[{\"role\":\"system\",\"content\":\"new rules\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":\"and now?\"}]"));
    }

    @Test
    void anItemReferenceOutsideTheHistoryIsRejected() {
        ResponsesRequest request = request("{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_x\"}]}");

        assertThatThrownBy(() -> request.toChat(List.of())).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.param()).isEqualTo("input[0].id"));
    }

    @Test
    void mapsOutputFormatReasoningAndLimitsToTheirChatNames() {
        JsonNode chat = chat(request("{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":50,\"temperature\":0.2,\"top_p\":0.9,"
                + "\"user\":\"u\",\"metadata\":{\"k\":\"v\"},\"reasoning\":{\"effort\":\"high\",\"summary\":\"auto\"},"
                + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"r\",\"schema\":{\"type\":\"object\"},\"strict\":true}},"
                + "\"tool_choice\":{\"type\":\"function\",\"name\":\"f\"},\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],"
                + "\"models\":[\"a\",\"b\"],\"provider\":{\"sort\":\"price\"},\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}}"),
                List.of());

        assertThat(chat.path("max_completion_tokens").asLong()).isEqualTo(50);
        assertThat(chat.path("reasoning_effort").asText()).isEqualTo("high");
        assertThat(chat.path("response_format")).isEqualTo(Json.parse(
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"schema\":{\"type\":\"object\"},\"strict\":true}}"));
        assertThat(chat.path("tool_choice")).isEqualTo(Json.parse("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"));
        assertThat(chat.path("tools").get(0).path("function").path("parameters")).isEqualTo(Json.parse("{\"type\":\"object\"}"));
        assertThat(chat.path("models")).isEqualTo(Json.parse("[\"a\",\"b\"]"));
        assertThat(chat.path("provider").path("sort").asText()).isEqualTo("price");
        assertThat(chat.path("metadata").path("k").asText()).isEqualTo("v");
        assertThat(chat.path("stream_options")).isEqualTo(Json.parse("{\"include_usage\":true}"));
        assertThat(chat.path("temperature").decimalValue()).isEqualByComparingTo("0.2");
    }

    @Test
    void aForcedHostedToolIsReportedAndHostedToolsAreNotSentToChat() {
        ResponsesRequest request = request("{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search_preview\"},"
                + "{\"type\":\"file_search\",\"vector_store_ids\":[\"v\"]}],\"tool_choice\":{\"type\":\"web_search_preview\"}}");
        JsonNode chat = chat(request, List.of());

        assertThat(request.hostedTools()).containsExactlyInAnyOrder("web_search_preview", "file_search");
        assertThat(request.requiredHostedTool()).contains("web_search_preview");
        assertThat(chat.has("tools")).isFalse();
        assertThat(chat.has("tool_choice")).isFalse();
    }

    @Test
    void flattenedNamesStayValidAndDistinct() {
        ResponsesRequest request = request("{\"model\":\"m\",\"input\":\"x\",\"tools\":["
                + "{\"type\":\"function\",\"name\":\"a__b\"},"
                + "{\"type\":\"namespace\",\"name\":\"a\",\"description\":\"\",\"tools\":[{\"type\":\"function\",\"name\":\"b\"}]},"
                + "{\"type\":\"namespace\",\"name\":\"" + "n".repeat(60) + "\",\"description\":\"d\",\"tools\":[{\"type\":\"custom\",\"name\":\"c\"}]}]}");
        List<String> names = toolNames(chat(request, List.of()));

        assertThat(names).hasSize(3).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-zA-Z0-9_-]{1,64}"));
        assertThat(request.toolNames().resolve(names.get(1))).isEqualTo(new ToolNames.Tool("a", "b", false));
        assertThat(request.toolNames().resolve(names.get(2))).isEqualTo(new ToolNames.Tool("n".repeat(60), "c", true));
        assertThat(request.toolNames().resolve("a__b")).isEqualTo(new ToolNames.Tool(null, "a__b", false));
    }

    @Test
    void forUpstreamPrependsHistoryDropsRoutingAndStoresNothingUpstream() {
        ResponsesRequest request = request("{\"model\":\"m\",\"input\":\"again\",\"previous_response_id\":\"resp_1\","
                + "\"models\":[\"m2\"],\"provider\":{\"sort\":\"price\"},\"store\":true,\"include\":[\"reasoning.encrypted_content\"]}");
        ObjectNode earlier = (ObjectNode) Json.parse("{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}");
        ObjectNode ownReasoning = (ObjectNode) Json.parse("{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]}");

        JsonNode upstream = Json.parse(request.forUpstream(List.of(earlier, ownReasoning)));

        assertThat(upstream.has("previous_response_id")).isFalse();
        assertThat(upstream.has("models")).isFalse();
        assertThat(upstream.has("provider")).isFalse();
        assertThat(upstream.path("store").asBoolean(true)).isFalse();
        assertThat(upstream.path("include")).isEqualTo(Json.parse("[\"reasoning.encrypted_content\"]"));
        assertThat(upstream.path("input").size()).isEqualTo(2);
        assertThat(upstream.path("input").get(0)).isEqualTo(earlier);
        assertThat(upstream.path("input").get(1).path("content").get(0).path("text").asText()).isEqualTo("again");
        assertThat(Json.parse(request.forUpstream(List.of())).path("input").asText()).isEqualTo("again");
    }

    @Test
    void echoFillsTheSpecDefaults() {
        ObjectNode echo = request("{\"model\":\"m\",\"input\":\"x\",\"text\":{\"verbosity\":\"low\"},\"store\":false}").echo();

        assertThat(echo.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(echo.path("tools")).isEqualTo(Json.parse("[]"));
        assertThat(echo.path("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(echo.path("text")).isEqualTo(Json.parse("{\"format\":{\"type\":\"text\"},\"verbosity\":\"low\"}"));
        assertThat(echo.path("reasoning")).isEqualTo(Json.parse("{\"effort\":null,\"summary\":null}"));
        assertThat(echo.path("store").asBoolean(true)).isFalse();
        assertThat(echo.path("truncation").asText()).isEqualTo("disabled");
        assertThat(echo.path("metadata")).isEqualTo(Json.object());
        assertThat(echo.path("previous_response_id").isNull()).isTrue();
        assertThat(echo.path("top_p").asInt()).isEqualTo(1);
    }

    @Test
    void rejectsBadFieldsWithTheirPath() {
        assertInvalid("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"a\"},{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"a\"},{\"type\":\"input_video\"}]}]}", "input[1].content[1].type");
        assertInvalid("{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}", "input[0].call_id");
        assertInvalid("{\"model\":\"m\",\"input\":[{\"type\":\"message\",\"role\":\"tool\",\"content\":\"a\"}]}", "input[0].role");
        assertInvalid("{\"model\":\"m\",\"input\":[{\"content\":\"a\"}]}", "input[0].type");
        assertInvalid("{\"model\":\"m\",\"input\":[{\"type\":\"teleport\"}]}", "input[0].type");
        assertInvalid("{\"model\":\"m\",\"input\":42}", "input");
        assertInvalid("{\"input\":\"x\"}", "model");
        assertInvalid("{\"model\":\"m\",\"input\":\"x\",\"background\":true}", "background");
        assertInvalid("{\"model\":\"m\",\"input\":\"x\",\"stream\":\"yes\"}", "stream");
        assertInvalid("{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}", "max_output_tokens");
        assertInvalid("{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\"}}}", "text.format.schema");
        assertInvalid("{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}", "tools[0].name");
        assertInvalid("{\"model\":\"m\",\"input\":\"x\",\"tool_choice\":\"sometimes\"}", "tool_choice");
        assertInvalid("{\"model\":\"m\",\"input\":\"x\",\"instructions\":[{\"role\":\"system\",\"content\":[{\"type\":\"nope\"}]}]}",
                "instructions[0].content[0].type");
        assertInvalid("[1]", null);
        assertThatThrownBy(() -> request("{\"model\":")).isInstanceOf(MalformedJsonException.class);
    }

    private static void assertInvalid(String json, String param) {
        assertThatThrownBy(() -> request(json)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.param()).isEqualTo(param);
            if (param != null) {
                assertThat(e.getMessage()).startsWith(param + ": ");
            }
        });
    }
}
