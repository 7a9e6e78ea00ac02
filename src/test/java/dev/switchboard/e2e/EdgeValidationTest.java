package dev.switchboard.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.switchboard.testing.FakeUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Bad shapes are refused at the edge, before any upstream is called, with the field's path: an
 * unknown role, {@code tools} that is not a list, a chat tool without {@code function}, a Messages
 * tool without {@code name}. Sent through the official SDKs, which pass such values on when told to.
 */
class EdgeValidationTest {
    static FakeUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.always(fixture(200, "openai/chat_nonstream.json"));
        gateway = TestGateway.start("providers:\n" + Upstreams.provider("acme", upstream) + "models:\n"
                + Upstreams.model("test/model", "acme"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<Arguments> badChatRequests() {
        Map<String, Object> user = Map.of("role", "user", "content", "hi");
        Map<String, Object> tool = Map.of("type", "function", "function", Map.of("name", "f"));
        return Stream.of(
                arguments("messages", JsonValue.from(List.of(user, user, Map.of("role", "robot", "content", "x"))),
                        "messages[2].role"),
                arguments("tools", JsonValue.from(tool), "tools"),
                arguments("tools", JsonValue.from(List.of(Map.of("type", "function"))), "tools[0].function"),
                arguments("tools", JsonValue.from(List.of(tool, Map.of("name", "g"))), "tools[1].function"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badChatRequests")
    void chatRefusesBadShapesNamingTheField(String member, JsonValue value, String param) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("test/model")
                .addUserMessage("hi");
        if (member.equals("messages")) {
            params.messages(value);
        } else {
            params.tools(value);
        }
        int before = upstream.requestCount();

        assertThatThrownBy(() -> gateway.openAi().chat().completions().create(params.build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains(param);
                    assertThat(e.type()).contains("invalid_request_error");
                });
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    static Stream<Arguments> badMessagesRequests() {
        Map<String, Object> user = Map.of("role", "user", "content", "hi");
        Map<String, Object> tool = Map.of("name", "f", "input_schema", Map.of("type", "object"));
        return Stream.of(
                arguments("messages", com.anthropic.core.JsonValue.from(List.of(user, Map.of("role", "tool", "content", "x"))),
                        "messages.1.role"),
                arguments("tools", com.anthropic.core.JsonValue.from(tool), "tools"),
                arguments("tools", com.anthropic.core.JsonValue.from(List.of(tool, Map.of("input_schema", Map.of()))),
                        "tools.1.name"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badMessagesRequests")
    void messagesRefusesBadShapesNamingTheField(String member, com.anthropic.core.JsonValue value, String path) {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port())
                .apiKey("any-key").maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        MessageCreateParams.Builder params = MessageCreateParams.builder().model("test/model").maxTokens(100)
                .addUserMessage("hi");
        if (member.equals("messages")) {
            params.messages(value);
        } else {
            params.tools(value);
        }
        int before = upstream.requestCount();

        assertThatThrownBy(() -> client.messages().create(params.build()))
                .isInstanceOfSatisfying(com.anthropic.errors.BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.body().toString()).contains("invalid_request_error").contains(path);
                });
        assertThat(upstream.requestCount()).isEqualTo(before);
    }
}
