package dev.switchboard.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code plugins} block: the web plugin's search backend, with defaults and errors naming the field. */
class PluginSettingsTest {

    private static SwitchboardConfig load(String yaml) {
        return new ConfigLoader(Map.of("SEARCH_KEY", "s3cret")).load("switchboard.yaml", yaml);
    }

    @Test
    void noBlockMeansNoSearchBackend() {
        assertThat(load("server: { port: 8080 }\n").plugins().web()).isNull();
        assertThat(new ConfigLoader(Map.of()).builtIn().plugins()).isEqualTo(SwitchboardConfig.Plugins.DEFAULT);
    }

    @Test
    void readsTheSearchBackendWithDefaults() {
        SwitchboardConfig.WebSearch web = load("""
                plugins:
                  web:
                    base_url: http://127.0.0.1:8888/
                    api_key: ${SEARCH_KEY}
                """).plugins().web();
        assertThat(web).isEqualTo(new SwitchboardConfig.WebSearch("searxng", "http://127.0.0.1:8888", "s3cret",
                SwitchboardConfig.WebSearch.DEFAULT_MAX_RESULTS, SwitchboardConfig.WebSearch.DEFAULT_TIMEOUT_MS));
    }

    @Test
    void badSettingsNameTheFieldAndLine() {
        assertError("""
                plugins:
                  web:
                    engine: tavily
                    base_url: https://api.tavily.example
                """, 3, "plugins.web.engine", "expected searxng");
        assertError("""
                plugins:
                  web: { base_url: searx.local }
                """, 2, "plugins.web.base_url", "expected the http:// or https:// URL");
        assertError("""
                plugins:
                  web:
                    base_url: http://searx
                    max_results: 50
                """, 4, "plugins.web.max_results", "expected 1 to 20 (got 50)");
        assertError("""
                plugins:
                  web: { base_url: http://searx, timeout: 5 }
                """, 2, "plugins.web.timeout", "unknown field");
    }

    private static void assertError(String yaml, int line, String field, String problem) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e).as(yaml).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.problem()).contains(problem);
    }
}
