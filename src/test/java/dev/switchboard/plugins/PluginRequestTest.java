package dev.switchboard.plugins;

import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginRequestTest {

    private static PluginRequest parse(String plugins, String transforms) {
        return PluginRequest.parse(plugins == null ? null : Json.parse(plugins), transforms == null ? null : Json.parse(transforms));
    }

    @Test
    void nothingSentIsTheDefault() {
        assertThat(parse(null, null).isDefault()).isTrue();
    }

    @Test
    void readsEveryPluginWithItsOptions() {
        PluginRequest request = parse("""
                [{"id": "web", "max_results": 3, "search_prompt": "Results:", "include_domains": ["Example.com"],
                  "exclude_domains": ["reddit.com"]},
                 {"id": "response-healing"}, {"id": "file-parser", "pdf": {"engine": "pdf-text"}},
                 {"id": "context-compression"}]""", null);
        assertThat(request.web()).isEqualTo(new PluginRequest.WebOptions(3, "Results:", List.of("example.com"),
                List.of("reddit.com")));
        assertThat(request.responseHealing()).isTrue();
        assertThat(request.fileParser().parsesPdfs()).isTrue();
        assertThat(request.compression()).isEqualTo(PluginRequest.Compression.ON);
    }

    @Test
    void transformsTurnMiddleOutOnOrOff() {
        assertThat(parse(null, "[\"middle-out\"]").compression()).isEqualTo(PluginRequest.Compression.ON);
        assertThat(parse(null, "[]").compression()).isEqualTo(PluginRequest.Compression.OFF);
        assertThat(parse("[{\"id\": \"context-compression\", \"enabled\": false}]", null).compression())
                .isEqualTo(PluginRequest.Compression.OFF);
    }

    @Test
    void aDisabledPluginDoesNotRun() {
        PluginRequest request = parse("[{\"id\": \"web\", \"enabled\": false}, {\"id\": \"file-parser\", \"enabled\": false}]", null);
        assertThat(request.web()).isNull();
        assertThat(request.fileParser().parsesPdfs()).isFalse();
    }

    @Test
    void theOnlineVariantAddsTheWebPluginKeepingItsOptions() {
        assertThat(PluginRequest.NONE.withWeb().web()).isEqualTo(PluginRequest.WebOptions.DEFAULT);
        assertThat(parse("[{\"id\": \"web\", \"max_results\": 2}]", null).withWeb().web().maxResults()).isEqualTo(2);
    }

    @Test
    void refusesUnknownIdsAndMalformedOptionsNamingTheMember() {
        assertRefused("[{\"id\": \"web\"}, {\"id\": \"pdf-magic\"}]", null, "plugins[1].id", "unknown plugin \"pdf-magic\"");
        assertRefused("{\"id\": \"web\"}", null, "plugins", "expected an array");
        assertRefused("[{\"name\": \"web\"}]", null, "plugins[0].id", "required");
        assertRefused("[{\"id\": \"web\", \"max_results\": 0}]", null, "plugins[0].max_results", "1 to 20");
        assertRefused("[{\"id\": \"web\", \"enabled\": \"yes\"}]", null, "plugins[0].enabled", "true or false");
        assertRefused("[{\"id\": \"file-parser\", \"pdf\": {\"engine\": \"mistral-ocr\"}}]", null,
                "plugins[0].pdf.engine", "not available");
        assertRefused(null, "[\"middle-out\", \"squeeze\"]", "transforms[1]", "unknown transform \"squeeze\"");
        assertRefused(null, "\"middle-out\"", "transforms", "expected an array");
    }

    private static void assertRefused(String plugins, String transforms, String param, String message) {
        assertThatThrownBy(() -> parse(plugins, transforms)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).startsWith(param + ":").contains(message);
        });
    }
}
