package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseRendererTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000), ZoneOffset.UTC);
    /** Members of OpenAI's response that are about OpenAI's own services, which Switchboard does not claim. */
    static final Set<String> OPENAI_ONLY = Set.of("billing", "frequency_penalty", "presence_penalty", "moderation",
            "prompt_cache_retention", "tool_usage");

    static ResponseMeta meta(String requestJson) {
        ResponsesRequest request = ResponsesRequest.decode(requestJson.getBytes(StandardCharsets.UTF_8));
        request.toChat(List.of());
        return ResponseMeta.of("resp_test", request, CLOCK);
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The recorded members in their order, without OpenAI's own, plus Switchboard's provider. */
    static List<String> expectedResponseMembers(JsonNode recorded) {
        List<String> names = new ArrayList<>(names(recorded));
        names.removeAll(OPENAI_ONLY);
        names.add("provider");
        return names;
    }

    private static ObjectNode render(String completion, ResponseMeta meta) {
        return (ObjectNode) Json.parse(ResponseRenderer.fromCompletion(completion.getBytes(StandardCharsets.UTF_8), meta));
    }

    @Test
    void rendersTextLikeTheRecordedResponse() {
        JsonNode recorded = Json.parse(Fixtures.bytes("recorded/openai-responses/issue-20047-openai-responses.json"));
        ObjectNode response = render("{\"id\":\"gen-1\",\"object\":\"chat.completion\",\"model\":\"openai/gpt-4o-mini\",\"provider\":\"OpenAI\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"OK\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14,\"cost\":0.0000123,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}",
                meta("{\"model\":\"openai/gpt-4o-mini\",\"input\":\"Say OK\"}"));

        assertThat(names(response)).containsExactlyElementsOf(expectedResponseMembers(recorded));
        assertThat(response.path("id").asText()).isEqualTo("resp_test");
        assertThat(response.path("created_at").asLong()).isEqualTo(1_800_000_000L);
        assertThat(response.path("completed_at").asLong()).isEqualTo(1_800_000_000L);
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(response.path("provider").asText()).isEqualTo("OpenAI");
        JsonNode item = response.path("output").get(0);
        JsonNode recordedItem = recorded.path("output").get(0);
        assertThat(names(item)).containsExactlyElementsOf(names(recordedItem));
        assertThat(item.path("id").asText()).startsWith("msg_");
        assertThat(item.path("content")).isEqualTo(recordedItem.path("content"));
        ObjectNode usage = ((ObjectNode) response.path("usage")).deepCopy();
        assertThat(usage.remove("cost").decimalValue()).isEqualByComparingTo("0.0000123");
        assertThat(usage).isEqualTo(recorded.path("usage"));
        for (String echoed : List.of("tools", "tool_choice", "text", "truncation", "metadata", "store", "error", "incomplete_details")) {
            assertThat(response.path(echoed)).as(echoed).isEqualTo(recorded.path(echoed));
        }
    }

    @Test
    void rendersReasoningAndAFunctionCallLikeTheRecordedResponse() {
        JsonNode recorded = Json.parse(Fixtures.bytes("recorded/openai-responses/issue-7082-o3-optional-tool-parameters.json"));
        ObjectNode response = render("{\"id\":\"gen-2\",\"model\":\"openai/o3\",\"provider\":\"OpenAI\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":null,\"reasoning\":\"Search first.\",\"tool_calls\":[{\"id\":\"call_TX\","
                + "\"type\":\"function\",\"function\":{\"name\":\"semantic_scholar_search\",\"arguments\":\"{\\\"query\\\":\\\"ml\\\"}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":114,\"completion_tokens\":284,\"total_tokens\":398,"
                + "\"cost\":0.01,\"completion_tokens_details\":{\"reasoning_tokens\":192}}}",
                meta("{\"model\":\"openai/o3\",\"input\":\"papers\",\"tools\":[{\"type\":\"function\",\"name\":\"semantic_scholar_search\"}],"
                        + "\"tool_choice\":{\"type\":\"function\",\"name\":\"semantic_scholar_search\"}}"));

        assertThat(response.path("output").size()).isEqualTo(2);
        JsonNode reasoning = response.path("output").get(0);
        assertThat(reasoning.path("type").asText()).isEqualTo("reasoning");
        assertThat(reasoning.path("summary")).isEqualTo(Json.parse("[{\"type\":\"summary_text\",\"text\":\"Search first.\"}]"));
        JsonNode call = response.path("output").get(1);
        assertThat(names(call)).containsExactlyElementsOf(names(recorded.path("output").get(1)));
        assertThat(call.path("id").asText()).startsWith("fc_");
        assertThat(call.path("call_id").asText()).isEqualTo("call_TX");
        assertThat(call.path("name").asText()).isEqualTo("semantic_scholar_search");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"query\":\"ml\"}");
        assertThat(call.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("tool_choice")).isEqualTo(recorded.path("tool_choice"));
        assertThat(response.path("usage").path("output_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(192);
    }

    @Test
    void aCallOfACustomToolInANamespaceBecomesACustomToolCall() {
        ResponseMeta meta = meta("{\"model\":\"m\",\"input\":\"run\",\"tools\":[{\"type\":\"namespace\",\"name\":\"functions\","
                + "\"description\":\"\",\"tools\":[{\"type\":\"custom\",\"name\":\"exec\"},{\"type\":\"function\",\"name\":\"ls\"}]}]}");
        ObjectNode response = render("{\"id\":\"gen-3\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Running.\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"functions__exec\","
                + "\"arguments\":\"{\\\"input\\\":\\\"echo hi\\\\n\\\"}\"}},{\"id\":\"call_2\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"functions__ls\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}", meta);

        JsonNode output = response.path("output");
        assertThat(output.get(0).path("type").asText()).isEqualTo("message");
        JsonNode custom = output.get(1);
        assertThat(names(custom)).containsExactly("id", "type", "status", "call_id", "namespace", "name", "input");
        assertThat(custom.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(custom.path("namespace").asText()).isEqualTo("functions");
        assertThat(custom.path("name").asText()).isEqualTo("exec");
        assertThat(custom.path("input").asText()).isEqualTo("echo hi\n");
        assertThat(output.get(2).path("type").asText()).isEqualTo("function_call");
        assertThat(output.get(2).path("namespace").asText()).isEqualTo("functions");
        assertThat(output.get(2).path("name").asText()).isEqualTo("ls");
    }

    @Test
    void aLengthFinishIsIncompleteForMaxOutputTokens() {
        ObjectNode response = render("{\"id\":\"gen-4\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Once upon\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}",
                meta("{\"model\":\"m\",\"input\":\"story\",\"max_output_tokens\":2}"));

        assertThat(response.path("status").asText()).isEqualTo("incomplete");
        assertThat(response.path("incomplete_details")).isEqualTo(Json.parse("{\"reason\":\"max_output_tokens\"}"));
        assertThat(response.path("completed_at").isNull()).isTrue();
        assertThat(response.path("max_output_tokens").asLong()).isEqualTo(2);
        assertThat(response.path("usage").path("total_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void anUpstreamsOwnResponseIsGivenBackWithSwitchboardsIdModelProviderAndCost() {
        ObjectNode recorded = (ObjectNode) Json.parse(Fixtures.bytes("recorded/openai-responses/openai-reasoning-encrypted-content.1.json"));
        ObjectNode completion = Json.object().put("id", "gen-5").put("model", "openai/gpt-5-mini").put("provider", "OpenAI");
        completion.putObject("usage").put("prompt_tokens", 1).put("cost", new java.math.BigDecimal("0.0042"));
        completion.set(ResponseRenderer.ORIGINAL, recorded);

        ObjectNode response = (ObjectNode) Json.parse(ResponseRenderer.fromCompletion(Json.bytes(completion),
                meta("{\"model\":\"openai/gpt-5-mini\",\"input\":\"x\",\"previous_response_id\":\"resp_prev\"}")));

        assertThat(response.path("id").asText()).isEqualTo("resp_test");
        assertThat(response.path("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(response.path("provider").asText()).isEqualTo("OpenAI");
        assertThat(response.path("previous_response_id").asText()).isEqualTo("resp_prev");
        assertThat(response.path("store").asBoolean()).isTrue();
        assertThat(response.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.0042");
        ObjectNode rest = response.deepCopy();
        ObjectNode expected = recorded.deepCopy();
        for (String rewritten : List.of("id", "model", "provider", "previous_response_id", "store", "usage")) {
            rest.remove(rewritten);
            expected.remove(rewritten);
        }
        assertThat(rest).isEqualTo(expected);
        ((ObjectNode) response.get("usage")).remove("cost");
        assertThat(response.path("usage")).isEqualTo(recorded.path("usage"));
    }
}
