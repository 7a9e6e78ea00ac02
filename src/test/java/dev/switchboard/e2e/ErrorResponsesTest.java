package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every bad input gets the documented JSON error shape and status: never a 500, never a hang. */
class ErrorResponsesTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("server: { port: 0, max_body_bytes: 4096 }\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JsonNode error(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isNotBlank();
        return error;
    }

    @Test
    void badJsonIsA400ThatSaysWhere() {
        JsonNode error = error(gateway.post("/v1/chat/completions", "{\"model\": \"switchboard/echo\",\n \"messages\": [}"), 400);

        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("line 2, column");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing messages        | {\"model\":\"switchboard/echo\"}                                                  | messages",
            "messages not an array   | {\"model\":\"switchboard/echo\",\"messages\":{}}                                  | messages",
            "empty messages          | {\"model\":\"switchboard/echo\",\"messages\":[]}                                  | messages",
            "message without role    | {\"model\":\"switchboard/echo\",\"messages\":[{\"content\":\"x\"}]}               | messages[0].role",
            "model not a string      | {\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}             | model",
            "missing model           | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}                            | model",
            "stream not a boolean    | {\"model\":\"switchboard/echo\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | stream",
            "negative max_tokens     | {\"model\":\"switchboard/echo\",\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | max_tokens",
            "bad provider sort       | {\"model\":\"switchboard/echo\",\"provider\":{\"sort\":\"fastest\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | provider.sort",
            "body is an array        | []                                                                                |",
    })
    void wrongFieldsAre400sNamingTheField(String name, String body, String param) {
        JsonNode error = error(gateway.post("/v1/chat/completions", body), 400);

        if (param != null) {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
    }

    @Test
    void anUnknownModelIsA404() {
        JsonNode error = error(gateway.post("/v1/chat/completions",
                "{\"model\":\"nobody/nothing\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 404);

        assertThat(error.get("type").asText()).isEqualTo("not_found_error");
        assertThat(error.get("message").asText()).contains("nobody/nothing");
    }

    @Test
    void aModelWithoutAnEnabledProviderIsA404ThatSaysWhichKeyToSet() {
        JsonNode error = error(gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 404);

        assertThat(error.get("message").asText()).contains("OPENAI_API_KEY");
    }

    @Test
    void aBodyOverTheLimitIsA413() {
        String big = "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";

        error(gateway.post("/v1/chat/completions", big), 413);
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413() {
        String big = "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))
                .build();

        error(gateway.send(request), 413);
    }

    @ParameterizedTest
    @CsvSource({"GET,/v1/chat/completions,405", "POST,/v1/models,405", "GET,/v1/nothing-here,404", "GET,/v1/models/a/b/c,404"})
    void unknownRoutesAndMethodsGetJsonErrors(String method, String path, int status) {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri(path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                .build();

        error(gateway.send(request), status);
    }

    @Test
    void theSdkRaisesTypedExceptions() {
        var client = gateway.openAi();

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("nobody/nothing").addUserMessage("x").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("switchboard/echo").addUserMessage("x")
                .putAdditionalBodyProperty("provider", com.openai.core.JsonValue.from(java.util.Map.of("sort", "fastest")))
                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("provider.sort");
    }
}
