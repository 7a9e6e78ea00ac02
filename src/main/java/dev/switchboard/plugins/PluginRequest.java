package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a request asked of the plugins, from OpenRouter's {@code plugins} array and its older
 * {@code transforms} list: which plugins run and their options. Unknown ids are refused by name,
 * so a typo is never silently ignored.
 *
 * @param compression middle-out: {@code ON} asked for, {@code OFF} turned off ({@code transforms: []}
 *                    or {@code enabled: false}), {@code DEFAULT} not mentioned (then on only for
 *                    models whose largest context is {@link MiddleOut#DEFAULT_MAX_CONTEXT} or less)
 * @param fileParser  the {@code file-parser} plugin's options, null when not sent
 * @param web         the {@code web} plugin's options, null when not requested
 */
public record PluginRequest(Compression compression, boolean responseHealing, FileParser fileParser, WebOptions web) {

    /** Every plugin id Switchboard knows (OpenRouter's names; {@code context-compression} is middle-out). */
    public static final Set<String> IDS = Set.of("web", "file-parser", "response-healing", "context-compression");
    /** The transforms {@code transforms} may list. */
    public static final Set<String> TRANSFORMS = Set.of("middle-out");

    public static final PluginRequest NONE = new PluginRequest(Compression.DEFAULT, false, null, null);

    public enum Compression { DEFAULT, ON, OFF }

    /** How PDFs are read: {@code pdf-text} (PDFBox's text), or {@code native} (sent to the model as they are). */
    public record FileParser(String engine) {
        public static final Set<String> ENGINES = Set.of("pdf-text", "native");
        public static final FileParser DEFAULT = new FileParser("pdf-text");

        public boolean parsesPdfs() {
            return engine.equals("pdf-text");
        }
    }

    /**
     * @param maxResults    how many results to inject (null: the configured default)
     * @param searchPrompt  the text before the results (null: OpenRouter's default prompt)
     * @param includeDomains results only from these domains (empty: any)
     * @param excludeDomains never results from these domains
     */
    public record WebOptions(Integer maxResults, String searchPrompt, List<String> includeDomains,
                             List<String> excludeDomains) {
        public static final WebOptions DEFAULT = new WebOptions(null, null, List.of(), List.of());

        public WebOptions {
            includeDomains = List.copyOf(includeDomains);
            excludeDomains = List.copyOf(excludeDomains);
        }
    }

    /** The same request with the web plugin on (the {@code :online} model variant); options already sent are kept. */
    public PluginRequest withWeb() {
        return web != null ? this : new PluginRequest(compression, responseHealing, fileParser, WebOptions.DEFAULT);
    }

    /** True when nothing is asked and nothing turned off: the defaults apply. */
    public boolean isDefault() {
        return equals(NONE);
    }

    /**
     * Reads {@code plugins} and {@code transforms} (either may be null: absent).
     *
     * @throws InvalidRequestException naming the member when a value is malformed or unknown
     */
    public static PluginRequest parse(JsonNode plugins, JsonNode transforms) {
        Compression compression = transforms(transforms);
        boolean healing = false;
        FileParser fileParser = null;
        WebOptions web = null;
        if (plugins != null && !plugins.isNull()) {
            if (!plugins.isArray()) {
                throw new InvalidRequestException("plugins", "plugins: expected an array of {\"id\": ...} objects");
            }
            for (int i = 0; i < plugins.size(); i++) {
                String at = "plugins[" + i + "]";
                JsonNode plugin = plugins.get(i);
                if (!plugin.isObject() || !plugin.path("id").isTextual()) {
                    throw new InvalidRequestException(at + ".id", at + ".id: required (one of " + String.join(", ",
                            sorted(IDS)) + ")");
                }
                String id = plugin.get("id").asText();
                if (!IDS.contains(id)) {
                    throw new InvalidRequestException(at + ".id", at + ".id: unknown plugin \"" + id
                            + "\" (expected one of " + String.join(", ", sorted(IDS)) + ")");
                }
                boolean enabled = enabled(plugin, at);
                switch (id) {
                    case "response-healing" -> healing = enabled;
                    case "context-compression" -> compression = enabled ? Compression.ON : Compression.OFF;
                    case "file-parser" -> fileParser = enabled ? fileParser(plugin, at) : new FileParser("native");
                    case "web" -> web = enabled ? web(plugin, at) : null;
                    default -> throw new IllegalStateException(id);
                }
            }
        }
        return new PluginRequest(compression, healing, fileParser, web);
    }

    private static Compression transforms(JsonNode transforms) {
        if (transforms == null || transforms.isNull()) {
            return Compression.DEFAULT;
        }
        if (!transforms.isArray()) {
            throw new InvalidRequestException("transforms", "transforms: expected an array (such as [\"middle-out\"], or [] for none)");
        }
        Compression compression = Compression.OFF;
        for (int i = 0; i < transforms.size(); i++) {
            JsonNode t = transforms.get(i);
            if (!t.isTextual() || !TRANSFORMS.contains(t.asText())) {
                throw new InvalidRequestException("transforms[" + i + "]", "transforms[" + i + "]: unknown transform "
                        + t + " (expected \"middle-out\")");
            }
            compression = Compression.ON;
        }
        return compression;
    }

    private static boolean enabled(JsonNode plugin, String at) {
        JsonNode enabled = plugin.get("enabled");
        if (enabled == null || enabled.isNull()) {
            return true;
        }
        if (!enabled.isBoolean()) {
            throw new InvalidRequestException(at + ".enabled", at + ".enabled: expected true or false");
        }
        return enabled.asBoolean();
    }

    private static FileParser fileParser(JsonNode plugin, String at) {
        JsonNode pdf = plugin.get("pdf");
        if (pdf == null || pdf.isNull()) {
            return FileParser.DEFAULT;
        }
        JsonNode engine = pdf.get("engine");
        if (!pdf.isObject() || engine != null && !engine.isNull() && !engine.isTextual()) {
            throw new InvalidRequestException(at + ".pdf.engine", at + ".pdf.engine: expected \"pdf-text\" or \"native\"");
        }
        if (engine == null || engine.isNull()) {
            return FileParser.DEFAULT;
        }
        if (!FileParser.ENGINES.contains(engine.asText())) {
            throw new InvalidRequestException(at + ".pdf.engine", at + ".pdf.engine: \"" + engine.asText()
                    + "\" is not available here (expected \"pdf-text\" or \"native\")");
        }
        return new FileParser(engine.asText());
    }

    private static WebOptions web(JsonNode plugin, String at) {
        Integer maxResults = null;
        JsonNode max = plugin.get("max_results");
        if (max != null && !max.isNull()) {
            if (!max.canConvertToInt() || !max.isIntegralNumber() || max.asInt() < 1 || max.asInt() > 20) {
                throw new InvalidRequestException(at + ".max_results", at + ".max_results: expected an integer from 1 to 20");
            }
            maxResults = max.asInt();
        }
        String prompt = null;
        JsonNode searchPrompt = plugin.get("search_prompt");
        if (searchPrompt != null && !searchPrompt.isNull()) {
            if (!searchPrompt.isTextual()) {
                throw new InvalidRequestException(at + ".search_prompt", at + ".search_prompt: expected a string");
            }
            prompt = searchPrompt.asText();
        }
        return new WebOptions(maxResults, prompt, domains(plugin, at, "include_domains"),
                domains(plugin, at, "exclude_domains"));
    }

    private static List<String> domains(JsonNode plugin, String at, String name) {
        JsonNode list = plugin.get(name);
        List<String> domains = new ArrayList<>();
        if (list == null || list.isNull()) {
            return domains;
        }
        if (!list.isArray()) {
            throw new InvalidRequestException(at + "." + name, at + "." + name + ": expected an array of domains");
        }
        for (JsonNode d : list) {
            if (!d.isTextual() || d.asText().isBlank()) {
                throw new InvalidRequestException(at + "." + name, at + "." + name + ": expected an array of domains");
            }
            domains.add(d.asText().strip().toLowerCase(Locale.ROOT));
        }
        return domains;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
