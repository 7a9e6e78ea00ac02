package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The output tool's call turned back into content, in whole answers and in streams. */
class OutputToolAnswerTest {
    private static final ChunkWriter CHUNKS = new ChunkWriter(1);

    @Test
    void theOutputToolsCallIsTheContentAndTheAnswerStops() {
        ObjectNode completion = (ObjectNode) Json.parse("""
                {"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                  {"id":"t1","type":"function","function":{"name":"json_response","arguments":"{\\"a\\":1}"}}]},
                  "finish_reason":"tool_calls"}]}""");

        JsonNode choice = OutputToolAnswer.completion(completion).at("/choices/0");

        assertThat(choice.at("/message/content").asText()).isEqualTo("{\"a\":1}");
        assertThat(choice.path("message").has("tool_calls")).isFalse();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aCallOfTheClientsOwnToolStaysACall() {
        ObjectNode completion = (ObjectNode) Json.parse("""
                {"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                  {"id":"t1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
                  "finish_reason":"tool_calls"}]}""");

        JsonNode choice = OutputToolAnswer.completion(completion).at("/choices/0");

        assertThat(choice.at("/message/tool_calls/0/function/name").asText()).isEqualTo("lookup");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void inAStreamTheArgumentsBecomeContentAndLaterCallsCloseTheGap() {
        List<JsonNode> out = new ArrayList<>();
        Consumer<byte[]> chunks = OutputToolAnswer.chunks(chunk -> out.add(Json.parse(chunk)));

        chunks.accept(CHUNKS.role());
        chunks.accept(CHUNKS.toolHeader(0, "t1", "json_response"));
        chunks.accept(CHUNKS.arguments(0, "{\"a\":"));
        chunks.accept(CHUNKS.arguments(0, "1}"));
        chunks.accept(CHUNKS.toolHeader(1, "t2", "lookup"));
        chunks.accept(CHUNKS.arguments(1, "{}"));
        chunks.accept(CHUNKS.finish("tool_calls"));

        assertThat(out).hasSize(6); // the output tool's header says nothing
        assertThat(out.get(1).at("/choices/0/delta/content").asText()).isEqualTo("{\"a\":");
        assertThat(out.get(2).at("/choices/0/delta/content").asText()).isEqualTo("1}");
        assertThat(out.get(3).at("/choices/0/delta/tool_calls/0/index").asInt()).isZero();
        assertThat(out.get(4).at("/choices/0/delta/tool_calls/0/index").asInt()).isZero();
        assertThat(out.get(5).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void aStreamedAnswerThroughTheOutputToolAloneStops() {
        List<JsonNode> out = new ArrayList<>();
        Consumer<byte[]> chunks = OutputToolAnswer.chunks(chunk -> out.add(Json.parse(chunk)));

        chunks.accept(CHUNKS.toolHeader(0, "t1", "json_response"));
        chunks.accept(CHUNKS.arguments(0, "{}"));
        chunks.accept(CHUNKS.finish("tool_calls"));

        assertThat(out).hasSize(2);
        assertThat(out.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }
}
