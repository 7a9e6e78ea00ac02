package dev.switchboard.config;

import dev.switchboard.config.Specs.PluginsSpec;
import dev.switchboard.config.Specs.WebSearchSpec;

import java.util.Locale;

/** Reads the {@code plugins} block: the web plugin's search backend, checked field by field. */
final class PluginSettings {
    private static final int MOST_RESULTS = 20;

    private PluginSettings() {
    }

    static SwitchboardConfig.Plugins of(YamlDocument doc, PluginsSpec spec) {
        if (spec == null || spec.web() == null) {
            return SwitchboardConfig.Plugins.DEFAULT;
        }
        return new SwitchboardConfig.Plugins(web(doc, spec.web()));
    }

    private static SwitchboardConfig.WebSearch web(YamlDocument doc, WebSearchSpec spec) {
        String engine = spec.engine() == null ? "searxng" : spec.engine().strip().toLowerCase(Locale.ROOT);
        if (!engine.equals("searxng")) {
            // Exa's and Tavily's wire formats are not in the reference material this build was checked against
            throw error(doc, "plugins.web.engine", "expected searxng (the only search backend supported so far; got \""
                    + spec.engine() + "\")");
        }
        String baseUrl = spec.baseUrl() == null ? "" : spec.baseUrl().strip();
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw error(doc, "plugins.web.base_url", "expected the http:// or https:// URL of the search engine (got \""
                    + baseUrl + "\")");
        }
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        int maxResults = spec.maxResults() == null ? SwitchboardConfig.WebSearch.DEFAULT_MAX_RESULTS : spec.maxResults();
        if (maxResults < 1 || maxResults > MOST_RESULTS) {
            throw error(doc, "plugins.web.max_results", "expected 1 to " + MOST_RESULTS + " (got " + maxResults + ")");
        }
        long timeoutMs = spec.timeoutMs() == null ? SwitchboardConfig.WebSearch.DEFAULT_TIMEOUT_MS : spec.timeoutMs();
        if (timeoutMs <= 0) {
            throw error(doc, "plugins.web.timeout_ms", "expected a positive number (got " + timeoutMs + ")");
        }
        String apiKey = spec.apiKey() == null ? "" : spec.apiKey().strip();
        return new SwitchboardConfig.WebSearch(engine, baseUrl, apiKey, maxResults, timeoutMs);
    }

    private static ConfigException error(YamlDocument doc, String path, String message) {
        return new ConfigException(doc.name(), doc.lineOf(path), path, message);
    }
}
