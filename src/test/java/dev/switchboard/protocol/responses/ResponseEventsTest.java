package dev.switchboard.protocol.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.switchboard.protocol.responses.StreamRecordings.fieldSet;
import static dev.switchboard.protocol.responses.StreamRecordings.types;
import static org.assertj.core.api.Assertions.assertThat;

class ResponseEventsTest {
    private static final List<String> NEWEST_RESPONSE_MEMBERS = newestResponseMembers();

    private static List<String> newestResponseMembers() {
        List<String> members = new ArrayList<>(fieldSet(Json.parse(dev.switchboard.testing.Fixtures.bytes(
                "recorded/openai-responses/issue-20047-openai-responses.json"))));
        members.add("provider");
        return members;
    }

    /** Feeds canonical chunks and the end of stream; returns the events written, checked for SSE framing and numbering. */
    private static List<ObjectNode> stream(ResponseEvents events, List<String> chunks) {
        ByteSink out = new ByteSink(1024);
        for (String chunk : chunks) {
            events.chunk(chunk.getBytes(StandardCharsets.UTF_8), out);
        }
        events.done(out);
        List<StreamRecordings.Event> parsed = StreamRecordings.parse(out.toByteArray());
        for (int i = 0; i < parsed.size(); i++) {
            assertThat(parsed.get(i).name()).isEqualTo(parsed.get(i).type());
            assertThat(parsed.get(i).data().path("sequence_number").asInt()).isEqualTo(i);
        }
        return parsed.stream().map(StreamRecordings.Event::data).toList();
    }

    private static String chunk(String delta) {
        return "{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"model\":\"openai/gpt-4o-mini\",\"provider\":\"OpenAI\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
    }

    private static String finish(String reason) {
        return "{\"id\":\"gen-1\",\"model\":\"openai/gpt-4o-mini\",\"provider\":\"OpenAI\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"" + reason + "\"}]}";
    }

    private static String usage(long prompt, long completion, long reasoning) {
        return "{\"id\":\"gen-1\",\"model\":\"openai/gpt-4o-mini\",\"provider\":\"OpenAI\",\"choices\":[],\"usage\":{"
                + "\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion)
                + ",\"cost\":0.00042,\"prompt_tokens_details\":{\"cached_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoning + "}}}";
    }

    private static String toolCall(int index, String id, String name, String arguments) {
        String head = id == null ? "" : "\"id\":\"" + id + "\",\"type\":\"function\",";
        String nameMember = name == null ? "" : "\"name\":\"" + name + "\",";
        return chunk("{\"tool_calls\":[{\"index\":" + index + "," + head + "\"function\":{" + nameMember
                + "\"arguments\":" + Json.string(Json.MAPPER.getNodeFactory().textNode(arguments)) + "}}]}");
    }

    private static String text(String text) {
        return chunk("{\"content\":" + Json.string(Json.MAPPER.getNodeFactory().textNode(text)) + "}");
    }

    /** Same event types in the same order, and per event the same members (recursively for items, parts and responses). */
    private static void assertSameShape(List<ObjectNode> ours, List<ObjectNode> recorded) {
        assertThat(types(ours)).containsExactlyElementsOf(types(recorded));
        for (int i = 0; i < ours.size(); i++) {
            ObjectNode event = ours.get(i);
            ObjectNode expected = recorded.get(i);
            assertThat(fieldSet(event)).as("event %d %s", i, event.path("type")).containsExactlyElementsOf(fieldSet(expected));
            for (String nested : List.of("item", "part")) {
                if (expected.has(nested)) {
                    assertThat(fieldSet(event.get(nested))).as("%s of event %d", nested, i).containsExactlyElementsOf(fieldSet(expected.get(nested)));
                }
            }
            if (expected.has("response")) {
                // recordings of different dates differ in a few members (completed_at, prompt_cache_retention, ...):
                // ours has every member of this one, OpenAI's own aside, and only members of the newest one
                List<String> members = new ArrayList<>(fieldSet(expected.get("response")));
                members.removeAll(ResponseRendererTest.OPENAI_ONLY);
                assertThat(fieldSet(event.get("response"))).as("response of event %d", i).containsAll(members)
                        .contains("provider").isSubsetOf(NEWEST_RESPONSE_MEMBERS);
                assertThat(event.path("response").path("output").size()).isEqualTo(expected.path("response").path("output").size());
            }
        }
    }

    private static ResponseMeta meta(String tools) {
        return ResponseRendererTest.meta("{\"model\":\"m\",\"input\":\"x\",\"tools\":" + tools + "}");
    }

    @Test
    void textStreamMatchesTheRecordedEvents() {
        List<ObjectNode> recorded = StreamRecordings.chunksFile("issue-20047-openai-responses.chunks.txt");
        ResponseEvents events = new ResponseEvents(meta("[]"));

        List<ObjectNode> ours = stream(events, List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}"), text("OK"),
                finish("stop"), usage(12, 2, 0)));

        assertSameShape(ours, recorded);
        ObjectNode completed = (ObjectNode) ours.getLast().get("response");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("id").asText()).isEqualTo("resp_test");
        assertThat(completed.path("provider").asText()).isEqualTo("OpenAI");
        assertThat(completed.path("output").get(0).path("content")).isEqualTo(recorded.getLast().path("response").path("output").get(0).path("content"));
        assertThat(completed.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.00042");
        assertThat(completed.path("usage").path("input_tokens").asLong()).isEqualTo(12);
        assertThat(ours.get(4).path("delta").asText()).isEqualTo("OK");
        assertThat(ours.get(2).path("item").path("id")).isEqualTo(ours.get(3).path("item_id"));
        assertThat(Json.parse(Json.bytes(events.response()))).isEqualTo(completed);
        assertThat(Json.parse(Json.bytes(events.outputItems().getFirst()))).isEqualTo(completed.path("output").get(0));
    }

    @Test
    void functionCallStreamMatchesTheRecordedEvents() {
        List<ObjectNode> recorded = StreamRecordings.chunksFile("issue-19493-gpt-5.1-tool-call.chunks.txt");
        List<String> chunks = new ArrayList<>();
        chunks.add(toolCall(0, "call_2FQdm3Br7Qb35YUBSkDR7kue", "get_weather", ""));
        recorded.stream().filter(e -> e.path("type").asText().equals("response.function_call_arguments.delta"))
                .forEach(e -> chunks.add(toolCall(0, null, null, e.path("delta").asText())));
        chunks.add(finish("tool_calls"));
        chunks.add(usage(45, 25, 0));

        List<ObjectNode> ours = stream(new ResponseEvents(meta("[{\"type\":\"function\",\"name\":\"get_weather\"}]")), chunks);

        assertSameShape(ours, recorded);
        JsonNode item = ours.getLast().path("response").path("output").get(0);
        JsonNode recordedItem = recorded.getLast().path("response").path("output").get(0);
        for (String member : List.of("type", "status", "arguments", "call_id", "name")) {
            assertThat(item.path(member)).as(member).isEqualTo(recordedItem.path(member));
        }
        assertThat(ours.get(ours.size() - 3).path("arguments").asText()).isEqualTo("{\"city\":\"Beijing\"}");
    }

    @Test
    void reasoningThenAFunctionCallMatchesTheRecordedEvents() {
        List<ObjectNode> recorded = StreamRecordings.chunksFile("openai-reasoning-encrypted-content.1.chunks.txt");
        List<String> chunks = new ArrayList<>();
        for (ObjectNode event : recorded) {
            switch (event.path("type").asText()) {
                case "response.reasoning_summary_text.delta" -> chunks.add(chunk("{\"reasoning\":"
                        + Json.string(event.get("delta")) + ",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":"
                        + Json.string(event.get("delta")) + "}]}"));
                case "response.output_item.added" -> {
                    if (event.path("item").path("type").asText().equals("function_call")) {
                        chunks.add(toolCall(0, event.path("item").path("call_id").asText(), "calculator", ""));
                    }
                }
                case "response.function_call_arguments.delta" -> chunks.add(toolCall(0, null, null, event.path("delta").asText()));
                default -> {
                }
            }
        }
        chunks.add(finish("tool_calls"));
        chunks.add(usage(134, 28, 0));

        List<ObjectNode> ours = stream(new ResponseEvents(meta("[{\"type\":\"function\",\"name\":\"calculator\"}]")), chunks);

        // OpenAI's reasoning item also carries encrypted_content, which only OpenAI can read
        List<ObjectNode> comparable = recorded.stream().map(e -> {
            ObjectNode copy = e.deepCopy();
            if (copy.path("item").isObject()) {
                ((ObjectNode) copy.get("item")).remove("encrypted_content");
            }
            return copy;
        }).toList();
        assertSameShape(ours, comparable);
        ObjectNode reasoning = (ObjectNode) ours.getLast().path("response").path("output").get(0);
        String expectedSummary = recorded.stream().filter(e -> e.path("type").asText().equals("response.reasoning_summary_text.done"))
                .findFirst().orElseThrow().path("text").asText();
        assertThat(reasoning.path("summary")).isEqualTo(Json.parse("[{\"type\":\"summary_text\",\"text\":"
                + Json.string(Json.MAPPER.getNodeFactory().textNode(expectedSummary)) + "}]"));
    }

    @Test
    void customToolCallStreamsItsInputLikeTheCodexAcceptedReply() {
        List<ObjectNode> recorded = StreamRecordings.sseFile("openai/responses_stream_custom_tool_call_exec.codex-accepted.sse");
        String input = "const r = await tools.exec_command({ cmd: \"echo hi\" });\ntext(r.output);";
        String arguments = Json.string(Json.object().put("input", input));
        List<String> chunks = new ArrayList<>();
        chunks.add(toolCall(0, "call_LocalRecorderExec02", "functions__exec", ""));
        for (int i = 0; i < arguments.length(); i += 7) {
            chunks.add(toolCall(0, null, null, arguments.substring(i, Math.min(arguments.length(), i + 7))));
        }
        chunks.add(finish("tool_calls"));
        chunks.add(usage(12, 2, 0));
        ResponseMeta meta = meta("[{\"type\":\"namespace\",\"name\":\"functions\",\"description\":\"\",\"tools\":[{\"type\":\"custom\",\"name\":\"exec\"}]}]");

        List<ObjectNode> ours = stream(new ResponseEvents(meta), chunks);

        // the input streams in several deltas where the recording has one
        List<ObjectNode> collapsed = new ArrayList<>();
        StringBuilder streamed = new StringBuilder();
        for (ObjectNode event : ours) {
            boolean delta = event.path("type").asText().equals("response.custom_tool_call_input.delta");
            if (delta) {
                streamed.append(event.path("delta").asText());
            }
            if (!delta || !types(collapsed).getLast().equals("response.custom_tool_call_input.delta")) {
                collapsed.add(event);
            }
        }
        assertSameShape(collapsed, recorded);
        assertThat(streamed.toString()).isEqualTo(input);
        assertThat(ours.stream().filter(e -> e.path("type").asText().endsWith("input.delta")).count()).isGreaterThan(5);
        JsonNode item = ours.getLast().path("response").path("output").get(0);
        JsonNode recordedItem = recorded.getLast().path("response").path("output").get(0);
        for (String member : List.of("type", "status", "call_id", "namespace", "name", "input")) {
            assertThat(item.path(member)).as(member).isEqualTo(recordedItem.path(member));
        }
    }

    @Test
    void anErrorChunkBecomesAnErrorEventAndAFailedResponse() {
        List<ObjectNode> recorded = StreamRecordings.chunksFile("openai-error.1.chunks.txt");

        List<ObjectNode> ours = stream(new ResponseEvents(meta("[]")), List.of(
                "{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"model\":\"openai/gpt-5-nano\",\"provider\":\"OpenAI\","
                        + "\"error\":{\"code\":502,\"message\":\"upstream broke off\"},"
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}"));

        assertSameShape(ours, recorded);
        assertThat(fieldSet(ours.get(2).get("error"))).isEqualTo(fieldSet(recorded.get(2).get("error")));
        JsonNode failed = ours.getLast().path("response");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(fieldSet(failed.path("error"))).isEqualTo(fieldSet(recorded.getLast().path("response").path("error")));
        assertThat(failed.path("error").path("message").asText()).isEqualTo("upstream broke off");
    }

    @Test
    void aLengthFinishEndsWithResponseIncomplete() {
        ResponseEvents events = new ResponseEvents(meta("[]"));

        List<ObjectNode> ours = stream(events, List.of(text("Once"), text(" upon"), finish("length"), usage(3, 2, 0)));

        assertThat(ours.getLast().path("type").asText()).isEqualTo("response.incomplete");
        assertThat(events.response().path("incomplete_details")).isEqualTo(Json.parse("{\"reason\":\"max_output_tokens\"}"));
        assertThat(events.response().path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Once upon");
    }

    @Test
    void parallelToolCallsAreSeparateItemsAndTheTerminalEventWaitsForUsage() {
        ResponseEvents events = new ResponseEvents(meta("[{\"type\":\"function\",\"name\":\"f\"}]"));
        ByteSink out = new ByteSink(256);
        for (String chunk : List.of(toolCall(0, "call_a", "f", ""), toolCall(0, null, null, "{\"x\":1}"),
                toolCall(1, "call_b", "f", "{\"x\":"), toolCall(1, null, null, "2}"), finish("tool_calls"))) {
            events.chunk(chunk.getBytes(StandardCharsets.UTF_8), out);
        }
        assertThat(out.toString()).doesNotContain("response.completed");
        assertThat(events.finished()).isFalse();
        events.chunk(usage(5, 6, 0).getBytes(StandardCharsets.UTF_8), out);
        events.done(out);

        List<ObjectNode> ours = StreamRecordings.parse(out.toByteArray()).stream().map(StreamRecordings.Event::data).toList();
        assertThat(types(ours).stream().filter(t -> t.equals("response.output_item.done")).count()).isEqualTo(2);
        assertThat(types(ours).stream().filter(t -> t.equals("response.completed")).count()).isEqualTo(1);
        JsonNode output = events.response().path("output");
        assertThat(output.size()).isEqualTo(2);
        assertThat(output.get(0).path("call_id").asText()).isEqualTo("call_a");
        assertThat(output.get(0).path("arguments").asText()).isEqualTo("{\"x\":1}");
        assertThat(output.get(1).path("call_id").asText()).isEqualTo("call_b");
        assertThat(output.get(1).path("arguments").asText()).isEqualTo("{\"x\":2}");
        assertThat(ours.get(ours.size() - 2).path("output_index").asInt()).isEqualTo(1);
    }

    @Test
    void aNewCallIdAtTheSameIndexIsANewItem() {
        ResponseEvents events = new ResponseEvents(meta("[{\"type\":\"function\",\"name\":\"f\"}]"));

        stream(events, List.of(toolCall(0, "call_a", "f", "{}"), toolCall(0, "call_b", "f", "{\"y\":1}"), finish("tool_calls")));

        assertThat(events.outputItems()).extracting(item -> item.path("call_id").asText()).containsExactly("call_a", "call_b");
        assertThat(events.outputItems()).extracting(item -> item.path("arguments").asText()).containsExactly("{}", "{\"y\":1}");
    }

    @Test
    void keepAliveIsAnSseCommentAndNothingFollowsTheEnd() {
        ResponseEvents events = new ResponseEvents(meta("[]"));
        ByteSink out = new ByteSink(64);
        events.comment(out);
        assertThat(out.toString()).isEqualTo(": SWITCHBOARD PROCESSING\n\n");
        assertThat(StreamRecordings.parse(out.toByteArray())).isEmpty();

        events.done(out);
        int size = out.size();
        events.done(out);
        events.chunk(text("late").getBytes(StandardCharsets.UTF_8), out);
        events.comment(out);
        assertThat(out.size()).isEqualTo(size);
        assertThat(events.response().path("status").asText()).isEqualTo("completed");
    }

    // ---- pass-through of an upstream's own events

    private static List<ObjectNode> passThrough(ResponseEvents events, List<ObjectNode> recorded, boolean costBeforeEnd) {
        ByteSink out = new ByteSink(4096);
        for (ObjectNode event : recorded) {
            ObjectNode chunk = Json.object().put("id", "gen-9").put("object", "chat.completion.chunk")
                    .put("model", "sb/served-model").put("provider", "OpenAI");
            chunk.putArray("choices");
            chunk.set(ResponseEvents.ORIGINAL_EVENT, event);
            events.chunk(Json.bytes(chunk), out);
        }
        if (costBeforeEnd) {
            events.chunk(usage(1, 1, 0).getBytes(StandardCharsets.UTF_8), out);
        }
        events.done(out);
        List<StreamRecordings.Event> parsed = StreamRecordings.parse(out.toByteArray());
        parsed.forEach(e -> assertThat(e.name()).isEqualTo(e.type()));
        return parsed.stream().map(StreamRecordings.Event::data).toList();
    }

    private static void assertPassedThrough(String name, List<ObjectNode> recorded) {
        ResponseEvents events = new ResponseEvents(ResponseRendererTest.meta("{\"model\":\"sb/served-model\",\"input\":\"x\"}"));

        List<ObjectNode> ours = passThrough(events, recorded, true);

        assertThat(ours).as(name).hasSize(recorded.size());
        for (int i = 0; i < ours.size(); i++) {
            ObjectNode event = ours.get(i).deepCopy();
            ObjectNode expected = recorded.get(i).deepCopy();
            assertThat(event.remove("sequence_number").asInt()).isEqualTo(i);
            expected.remove("sequence_number");
            if (expected.path("response").isObject()) {
                ObjectNode response = (ObjectNode) event.get("response");
                ObjectNode expectedResponse = (ObjectNode) expected.get("response");
                assertThat(response.remove("id").asText()).isEqualTo("resp_test");
                assertThat(response.remove("model").asText()).isEqualTo("sb/served-model");
                assertThat(response.remove("provider").asText()).isEqualTo("OpenAI");
                expectedResponse.remove(List.of("id", "model"));
                if (StreamRecordings.terminal(event.path("type").asText()) && response.path("usage").isObject()) {
                    assertThat(((ObjectNode) response.get("usage")).remove("cost").decimalValue()).isEqualByComparingTo(new BigDecimal("0.00042"));
                }
                // the upstream saw store:false; the client asked for the default, true
                response.remove(List.of("store", "previous_response_id"));
                expectedResponse.remove(List.of("store", "previous_response_id"));
            }
            assertThat(event).as("%s event %d", name, i).isEqualTo(expected);
        }
        assertThat(events.response().path("id").asText()).isEqualTo("resp_test");
        assertThat(events.response().path("status").asText()).isEqualTo(recorded.getLast().path("response").path("status").asText());
    }

    @Test
    void anUpstreamsOwnEventsPassThroughWithSwitchboardsIdModelProviderAndCost() {
        for (String file : List.of("issue-20047-openai-responses.chunks.txt", "issue-19493-gpt-5.1-tool-call.chunks.txt",
                "openai-reasoning-encrypted-content.1.chunks.txt", "openai-error.1.chunks.txt", "openai-web-search-tool.1.chunks.txt",
                "openai-phase.1.chunks.txt")) {
            assertPassedThrough(file, StreamRecordings.chunksFile(file));
        }
        for (String file : List.of("responses_stream_text_min", "responses_stream_function_call_exec_command",
                "responses_stream_custom_tool_call_exec")) {
            assertPassedThrough(file, StreamRecordings.sseFile("openai/" + file + ".codex-accepted.sse"));
        }
    }

    @Test
    void thePassedThroughTerminalEventWaitsForTheCost() {
        List<ObjectNode> recorded = StreamRecordings.chunksFile("issue-20047-openai-responses.chunks.txt");
        ResponseEvents events = new ResponseEvents(meta("[]"));
        ByteSink out = new ByteSink(4096);
        for (ObjectNode event : recorded) {
            ObjectNode chunk = Json.object().put("id", "gen-9").put("model", "m").put("provider", "OpenAI");
            chunk.set(ResponseEvents.ORIGINAL_EVENT, event);
            events.chunk(Json.bytes(chunk), out);
        }
        assertThat(out.toString()).doesNotContain("response.completed");
        // a canonical chunk of a pass-through stream only brings usage
        events.chunk(text("ignored").getBytes(StandardCharsets.UTF_8), out);
        assertThat(out.toString()).doesNotContain("ignored");
        events.chunk(usage(12, 2, 0).getBytes(StandardCharsets.UTF_8), out);

        List<ObjectNode> ours = StreamRecordings.parse(out.toByteArray()).stream().map(StreamRecordings.Event::data).toList();
        assertThat(ours.getLast().path("type").asText()).isEqualTo("response.completed");
        assertThat(ours.getLast().path("response").path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.00042");
        assertThat(events.finished()).isTrue();
        assertThat(events.outputItems()).hasSize(1);
        assertThat(Set.copyOf(types(ours))).doesNotContain("error");
    }
}
