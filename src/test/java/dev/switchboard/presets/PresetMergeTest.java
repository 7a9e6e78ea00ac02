package dev.switchboard.presets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.presets.PresetMerge.Api;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Merging a preset into each API's body, and finding the preset a body references: pure, no server. */
class PresetMergeTest {

    private static Preset preset(String systemPrompt, String config) {
        return new Preset("p", 1, systemPrompt, (ObjectNode) Json.parse(config), 0, 0);
    }

    private static ObjectNode merged(Api api, String body, Preset preset) {
        ObjectNode json = (ObjectNode) Json.parse(body);
        PresetMerge.apply(api, json, PresetReference.of(json), preset);
        return json;
    }

    @Test
    void findsThePresetInEachOfOpenRoutersThreeForms() {
        assertThat(PresetReference.of(obj("{\"model\":\"@preset/email\"}"))).isEqualTo(new PresetReference("email", null));
        assertThat(PresetReference.of(obj("{\"model\":\"openai/gpt-4.1@preset/email\"}")))
                .isEqualTo(new PresetReference("email", "openai/gpt-4.1"));
        assertThat(PresetReference.of(obj("{\"model\":\"openai/gpt-4.1\",\"preset\":\"email\"}")))
                .isEqualTo(new PresetReference("email", "openai/gpt-4.1"));
        assertThat(PresetReference.of(obj("{\"preset\":\"@preset/email\"}"))).isEqualTo(new PresetReference("email", null));
        assertThat(PresetReference.of(obj("{\"model\":\"openai/gpt-4.1\",\"preset\":null}"))).isNull();
        assertThat(PresetReference.of(obj("{\"model\":\"openai/gpt-4.1\"}"))).isNull();
    }

    @Test
    void refusesMalformedReferencesNamingTheMember() {
        assertThatThrownBy(() -> PresetReference.of(obj("{\"preset\":[\"x\"]}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("preset"));
        assertThatThrownBy(() -> PresetReference.of(obj("{\"model\":\"@preset/\"}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("model"));
        assertThatThrownBy(() -> PresetReference.of(obj("{\"model\":\"@preset/a\",\"preset\":\"b\"}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("preset"));
    }

    @Test
    void onlyBodiesWithTheWordAreParsed() {
        assertThat(PresetReference.mayReference("{\"model\":\"@preset/x\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PresetReference.mayReference("{\"preset\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PresetReference.mayReference("{\"model\":\"openai/gpt-4.1\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(PresetReference.mayReference("prese".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(PresetReference.mayReference(new byte[0])).isFalse();
    }

    @Test
    void theRequestWinsMemberByMemberAndThePresetFillsTheRest() {
        ObjectNode body = merged(Api.CHAT, """
                {"model":"@preset/p","temperature":0.1,"preset":"p","messages":[{"role":"user","content":"hi"}],
                 "provider":{"sort":"latency"}}""", preset(null, """
                {"model":"a/b","temperature":0.9,"seed":3,"provider":{"sort":"price","only":["x"]}}"""));

        assertThat(body).isEqualTo(Json.parse("""
                {"temperature":0.1,"messages":[{"role":"user","content":"hi"}],"provider":{"sort":"latency","only":["x"]},
                 "model":"a/b","seed":3}"""));
    }

    @Test
    void aPresetWithoutAModelNeedsTheRequestToNameOne() {
        assertThat(merged(Api.CHAT, "{\"model\":\"a/c@preset/p\",\"messages\":[]}", preset(null, "{\"models\":[]}"))
                .get("model").asText()).isEqualTo("a/c");
        assertThat(merged(Api.CHAT, "{\"model\":\"@preset/p\",\"messages\":[]}", preset(null, "{\"models\":[\"a/d\"]}"))
                .get("models").get(0).asText()).isEqualTo("a/d");
        assertThatThrownBy(() -> merged(Api.CHAT, "{\"model\":\"@preset/p\",\"messages\":[]}", preset(null, "{\"seed\":1}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("model"));
    }

    @Test
    void theSystemPromptComesFirstInEachApisPlace() {
        Preset withPrompt = preset("Be a pirate.", "{\"model\":\"a/b\"}");

        assertThat(merged(Api.CHAT, "{\"model\":\"@preset/p\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                withPrompt).get("messages")).isEqualTo(Json.parse(
                "[{\"role\":\"system\",\"content\":\"Be a pirate.\"},{\"role\":\"user\",\"content\":\"hi\"}]"));
        assertThat(merged(Api.MESSAGES, "{\"model\":\"@preset/p\"}", withPrompt).get("system").asText())
                .isEqualTo("Be a pirate.");
        assertThat(merged(Api.MESSAGES, "{\"model\":\"@preset/p\",\"system\":[{\"type\":\"text\",\"text\":\"Mine\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]}", withPrompt).get("system")).isEqualTo(Json.parse(
                "[{\"type\":\"text\",\"text\":\"Be a pirate.\"},{\"type\":\"text\",\"text\":\"Mine\","
                        + "\"cache_control\":{\"type\":\"ephemeral\"}}]"));
        assertThat(merged(Api.RESPONSES, "{\"model\":\"@preset/p\",\"instructions\":\"Be brief.\"}", withPrompt)
                .get("instructions").asText()).isEqualTo("Be a pirate.\n\nBe brief.");
        assertThat(merged(Api.RESPONSES, "{\"model\":\"@preset/p\"}", withPrompt).get("instructions").asText())
                .isEqualTo("Be a pirate.");
    }

    @Test
    void theMessagesAndResponsesApisTakeTheMembersTheyHaveUnderTheirNames() {
        Preset parameters = preset(null, """
                {"model":"a/b","temperature":0.2,"max_tokens":50,"stop":"END","frequency_penalty":1,
                 "reasoning":{"effort":"high","exclude":true},"tools":[{"type":"function","function":{"name":"f"}}]}""");

        assertThat(merged(Api.MESSAGES, "{\"model\":\"@preset/p\"}", parameters)).isEqualTo(Json.parse(
                "{\"model\":\"a/b\",\"temperature\":0.2,\"max_tokens\":50,\"stop_sequences\":[\"END\"]}"));
        assertThat(merged(Api.RESPONSES, "{\"model\":\"@preset/p\"}", parameters)).isEqualTo(Json.parse(
                "{\"model\":\"a/b\",\"temperature\":0.2,\"max_output_tokens\":50,\"reasoning\":{\"effort\":\"high\"}}"));
    }

    @Test
    void toolsAreUnionedByIdentityKeepingThePresetsOrder() {
        Preset tools = preset(null, """
                {"model":"a/b","tools":[
                  {"type":"function","function":{"name":"a"}},
                  {"type":"openrouter:subagent","parameters":{"name":"ideator","model":"x/1"}},
                  {"type":"openrouter:subagent","parameters":{"name":"designer"}},
                  {"type":"openrouter:web_search"}]}""");

        ObjectNode body = merged(Api.CHAT, """
                {"model":"@preset/p","messages":[],"tools":[
                  {"type":"openrouter:web_search","parameters":{"max_results":3}},
                  {"type":"function","function":{"name":"z"}},
                  {"type":"openrouter:subagent","parameters":{"name":"ideator","model":"y/2"}}]}""", tools);

        assertThat(body.get("tools")).isEqualTo(Json.parse("""
                [{"type":"function","function":{"name":"a"}},
                 {"type":"openrouter:subagent","parameters":{"name":"ideator","model":"y/2"}},
                 {"type":"openrouter:subagent","parameters":{"name":"designer"}},
                 {"type":"openrouter:web_search","parameters":{"max_results":3}},
                 {"type":"function","function":{"name":"z"}}]"""));
    }

    @Test
    void thePresetItselfIsNeverChanged() {
        Preset shared = preset("S", "{\"model\":\"a/b\",\"provider\":{\"sort\":\"price\"},\"tools\":[]}");
        String before = shared.config().toString();

        merged(Api.CHAT, "{\"model\":\"@preset/p\",\"messages\":[],\"provider\":{\"only\":[\"x\"]},\"tools\":[]}", shared);
        ObjectNode plain = merged(Api.CHAT, "{\"model\":\"@preset/p\",\"messages\":[]}", shared);
        ((ObjectNode) plain.get("provider")).put("sort", "latency");

        assertThat(shared.config().toString()).isEqualTo(before);
    }

    private static ObjectNode obj(String json) {
        return (ObjectNode) Json.parse(json);
    }
}
