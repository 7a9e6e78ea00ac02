package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static dev.switchboard.e2e.AccountsApi.error;
import static dev.switchboard.e2e.AccountsApi.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin's presets API: create, read, version, list and delete presets; every bad body is a 4xx naming the member. */
class PresetsApiTest {
    @TempDir
    static Path dataDir;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("server: { port: 0 }\n"
                + "storage: { database: \"sqlite:" + dataDir.resolve("switchboard.db") + "\" }\n"
                + AccountsApi.yaml());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static HttpResponse<String> admin(String method, String path, String body) {
        return gateway.call(method, path, ADMIN, body);
    }

    @Test
    void createsAPresetAtVersionOneInOpenRoutersShape() {
        JsonNode data = json(admin("POST", "/api/v1/presets", """
                {"name": "email-copywriter", "system_prompt": "You write marketing emails.",
                 "config": {"model": "test/priced", "temperature": 0.7, "provider": {"sort": "price"}}}"""), 201)
                .get("data");

        assertThat(data.get("name").asText()).isEqualTo("email-copywriter");
        assertThat(data.get("slug").asText()).isEqualTo("email-copywriter");
        assertThat(data.get("status").asText()).isEqualTo("active");
        assertThat(data.get("designated_version_id").asText()).isEqualTo("email-copywriter@1");
        assertThat(data.get("created_at").asText()).endsWith("Z");
        JsonNode version = data.get("designated_version");
        assertThat(version.get("version").asInt()).isEqualTo(1);
        assertThat(version.get("system_prompt").asText()).isEqualTo("You write marketing emails.");
        assertThat(version.get("config")).isEqualTo(Json.parse(
                "{\"model\":\"test/priced\",\"temperature\":0.7,\"provider\":{\"sort\":\"price\"}}"));
        assertThat(json(admin("GET", "/v1/presets/email-copywriter", null), 200).get("data")).isEqualTo(data);
    }

    @Test
    void eachPutIsANewVersionAndEveryVersionStaysReadable() {
        admin("POST", "/api/v1/presets", "{\"name\": \"reviewer\", \"config\": {\"temperature\": 0.1}}");

        JsonNode second = json(admin("PUT", "/api/v1/presets/reviewer",
                "{\"system_prompt\": \"Review code.\", \"config\": {\"temperature\": 0.3, \"model\": \"test/priced\"}}"), 200)
                .get("data");

        assertThat(second.at("/designated_version/version").asInt()).isEqualTo(2);
        assertThat(second.at("/designated_version/config/temperature").asDouble()).isEqualTo(0.3);
        JsonNode versions = json(admin("GET", "/api/v1/presets/reviewer/versions", null), 200);
        assertThat(versions.get("total_count").asInt()).isEqualTo(2);
        assertThat(versions.at("/data/0/version").asInt()).isEqualTo(1);
        assertThat(versions.at("/data/0/config/temperature").asDouble()).isEqualTo(0.1);
        assertThat(versions.at("/data/0/system_prompt").isNull()).isTrue();
        assertThat(versions.at("/data/1/system_prompt").asText()).isEqualTo("Review code.");
        assertThat(json(admin("GET", "/v1/presets/reviewer/versions/1", null), 200).at("/data/config/temperature")
                .asDouble()).isEqualTo(0.1);
        assertThat(error(admin("GET", "/v1/presets/reviewer/versions/3", null), 404).get("message").asText())
                .contains("no version 3");
        assertThat(error(admin("GET", "/v1/presets/reviewer/versions/one", null), 400).get("param").asText())
                .isEqualTo("version");
    }

    @Test
    void listsPresetsAndDeletesOne() {
        admin("POST", "/api/v1/presets", "{\"name\": \"short-lived\", \"config\": {}}");
        assertThat(json(admin("GET", "/api/v1/presets", null), 200).get("data"))
                .extracting(p -> p.get("name").asText()).contains("short-lived");

        assertThat(json(admin("DELETE", "/api/v1/presets/short-lived", null), 200).get("deleted").asBoolean()).isTrue();

        assertThat(error(admin("GET", "/api/v1/presets/short-lived", null), 404).get("message").asText())
                .contains("short-lived");
        assertThat(error(admin("DELETE", "/api/v1/presets/short-lived", null), 404).get("type").asText())
                .isEqualTo("not_found_error");
        assertThat(error(admin("GET", "/api/v1/presets/short-lived/versions", null), 404)).isNotNull();
        assertThat(json(admin("GET", "/api/v1/presets", null), 200).get("data"))
                .extracting(p -> p.get("name").asText()).doesNotContain("short-lived");
    }

    @Test
    void aSecondPresetOfTheSameNameIsAConflictThatChangesNothing() {
        admin("POST", "/api/v1/presets", "{\"name\": \"taken\", \"config\": {\"temperature\": 1}}");

        JsonNode error = error(admin("POST", "/api/v1/presets", "{\"name\": \"taken\", \"config\": {\"temperature\": 0}}"),
                409);

        assertThat(error.get("param").asText()).isEqualTo("name");
        assertThat(json(admin("GET", "/api/v1/presets/taken", null), 200).at("/data/designated_version/config/temperature")
                .asInt()).isEqualTo(1);
    }

    @Test
    void updatingAPresetThatDoesNotExistIsA404() {
        assertThat(error(admin("PUT", "/api/v1/presets/nobody", "{\"config\": {}}"), 404).get("message").asText())
                .contains("nobody");
    }

    @Test
    void aChatCompletionsBodyBecomesAPresetKeepingOnlyItsConfiguration() {
        JsonNode first = json(admin("POST", "/api/v1/presets/captured/chat/completions", """
                {"model": "test/priced", "temperature": 0.7, "provider": {"sort": "price"}, "stream": true,
                 "messages": [{"role": "system", "content": "You are a helpful assistant."},
                              {"role": "user", "content": "Write a marketing email."}]}"""), 200).get("data");

        assertThat(first.at("/designated_version/version").asInt()).isEqualTo(1);
        assertThat(first.at("/designated_version/system_prompt").asText()).isEqualTo("You are a helpful assistant.");
        assertThat(first.at("/designated_version/config")).isEqualTo(Json.parse(
                "{\"model\":\"test/priced\",\"temperature\":0.7,\"provider\":{\"sort\":\"price\"}}"));

        // the same slug again: its next version
        JsonNode second = json(admin("POST", "/api/v1/presets/captured/chat/completions",
                "{\"model\": \"test/priced\", \"messages\": []}"), 200).get("data");
        assertThat(second.at("/designated_version/version").asInt()).isEqualTo(2);
        assertThat(second.at("/designated_version/system_prompt").isNull()).isTrue();
    }

    @Test
    void messagesAndResponsesBodiesBecomePresetsUnderChatNames() {
        JsonNode fromMessages = json(admin("POST", "/api/v1/presets/from-messages/messages", """
                {"model": "test/priced", "max_tokens": 1024, "system": "You are a senior code reviewer.",
                 "stop_sequences": ["END"], "messages": [{"role": "user", "content": "Review this PR."}]}"""), 200)
                .at("/data/designated_version");
        assertThat(fromMessages.get("system_prompt").asText()).isEqualTo("You are a senior code reviewer.");
        assertThat(fromMessages.get("config")).isEqualTo(Json.parse(
                "{\"model\":\"test/priced\",\"max_tokens\":1024,\"stop\":[\"END\"]}"));

        JsonNode fromResponses = json(admin("POST", "/api/v1/presets/from-responses/responses", """
                {"model": "test/priced", "instructions": "Classify the inbound message.", "input": "Refund please",
                 "max_output_tokens": 50, "reasoning": {"effort": "low", "summary": "auto"}}"""), 200)
                .at("/data/designated_version");
        assertThat(fromResponses.get("system_prompt").asText()).isEqualTo("Classify the inbound message.");
        assertThat(fromResponses.get("config")).isEqualTo(Json.parse(
                "{\"model\":\"test/priced\",\"max_tokens\":50,\"reasoning\":{\"effort\":\"low\"}}"));
    }

    @Test
    void aCapturedBodyIsCheckedLikeAnyPreset() {
        assertThat(error(admin("POST", "/api/v1/presets/Bad Slug/chat/completions".replace(" ", "%20"),
                "{\"messages\": []}"), 400).get("param").asText()).isEqualTo("name");
        assertThat(error(admin("POST", "/api/v1/presets/typed/chat/completions",
                "{\"temperature\": \"hot\", \"messages\": []}"), 400).get("param").asText()).isEqualTo("config.temperature");
        assertThat(error(admin("POST", "/api/v1/presets/typed/chat/completions", "[]"), 400)).isNotNull();
        assertThat(admin("GET", "/api/v1/presets/typed", null).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"name": "x", "config": {"temprature": 0.5}}                    | config.temprature
            {"name": "x", "config": {"messages": []}}                       | config.messages
            {"name": "x", "config": {"temperature": "warm"}}                | config.temperature
            {"name": "x", "config": {"max_tokens": -3}}                     | config.max_tokens
            {"name": "x", "config": {"provider": {"sort": "cheapest"}}}     | config.provider.sort
            {"name": "x", "config": {"models": "test/priced"}}              | config.models
            {"name": "x", "config": {"model": "@preset/other"}}             | config.model
            {"name": "x", "config": []}                                     | config
            {"name": "x", "system_prompt": 42}                              | system_prompt
            {"name": "x", "description": "unknown"}                         | description
            {"name": "Not A Slug"}                                          | name
            {"name": "-leading-dash"}                                       | name
            {"config": {}}                                                  | name
            """)
    void refusesABadBodyNamingTheMember(String body, String param) {
        JsonNode error = error(admin("POST", "/api/v1/presets", body), 400);

        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains(param);
        assertThat(admin("GET", "/api/v1/presets/x", null).statusCode()).isEqualTo(404);
    }

    @Test
    void malformedJsonIsA400() {
        assertThat(error(admin("POST", "/api/v1/presets", "{\"name\": "), 400).get("message").asText()).isNotBlank();
        assertThat(error(admin("PUT", "/api/v1/presets/anything", "[]"), 400)).isNotNull();
    }

    @Test
    void onlyTheAdminKeyManagesPresets() {
        String inference = AccountsApi.createKey(gateway).secret();

        assertThat(gateway.call("GET", "/api/v1/presets", inference, null).statusCode()).isIn(401, 403);
        assertThat(gateway.call("POST", "/api/v1/presets", inference, "{\"name\": \"sneaky\"}").statusCode()).isIn(401, 403);
        assertThat(gateway.call("GET", "/api/v1/presets", null, null).statusCode()).isEqualTo(401);
        assertThat(admin("GET", "/api/v1/presets/sneaky", null).statusCode()).isEqualTo(404);
    }
}
