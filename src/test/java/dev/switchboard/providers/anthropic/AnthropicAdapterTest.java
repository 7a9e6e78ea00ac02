package dev.switchboard.providers.anthropic;

import dev.switchboard.catalog.AwsSettings;
import dev.switchboard.catalog.DataPolicy;
import dev.switchboard.catalog.Protocol;
import dev.switchboard.catalog.Provider;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.catalog.Timeouts;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where and with which headers the adapter calls Anthropic. */
class AnthropicAdapterTest {

    private static Provider provider(String baseUrl, String apiKey, Map<String, String> headers) {
        return new Provider(new ProviderId("anthropic"), "Anthropic", Protocol.ANTHROPIC, baseUrl, apiKey, null, headers,
                DataPolicy.UNKNOWN, Timeouts.DEFAULT, true, null, 50, AwsSettings.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"https://api.anthropic.com, https://api.anthropic.com/v1/messages",
            "https://api.anthropic.com/, https://api.anthropic.com/v1/messages",
            "https://api.anthropic.com/v1, https://api.anthropic.com/v1/messages",
            "http://127.0.0.1:8080/proxy/anthropic, http://127.0.0.1:8080/proxy/anthropic/v1/messages"})
    void postsToTheMessagesEndpointOfTheBaseUrl(String baseUrl, String url) {
        assertThat(AnthropicAdapter.url(provider(baseUrl, "k", Map.of()))).isEqualTo(url);
    }

    @Test
    void sendsTheKeyAndApiVersionThenTheProvidersOwnHeaders() {
        MultiMap headers = AnthropicAdapter.headers(provider("https://api.anthropic.com", "sk-ant-1",
                Map.of("anthropic-beta", "context-1m-2025-08-07")), true);

        assertThat(headers.get("x-api-key")).isEqualTo("sk-ant-1");
        assertThat(headers.get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(headers.get("anthropic-beta")).isEqualTo("context-1m-2025-08-07");
        assertThat(headers.get("accept")).isEqualTo("text/event-stream");
        assertThat(headers.get("content-type")).isEqualTo("application/json");
        assertThat(headers.contains("authorization")).isFalse();
    }

    @Test
    void aConfiguredVersionHeaderWinsAndNoKeyMeansNoKeyHeader() {
        MultiMap headers = AnthropicAdapter.headers(provider("http://localhost:9000", "",
                Map.of("anthropic-version", "2023-01-01")), false);

        assertThat(headers.getAll("anthropic-version")).containsExactly("2023-01-01");
        assertThat(headers.contains("x-api-key")).isFalse();
        assertThat(headers.get("accept")).isEqualTo("application/json");
    }
}
