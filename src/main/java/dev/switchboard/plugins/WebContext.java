package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;

import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The web plugin's request and answer sides, without the search itself: the query (the last user
 * message's text), the results added to that message under OpenRouter's search prompt, and the
 * {@code url_citation} annotations of the answer (features/plugins/web-search.mdx).
 */
public final class WebContext {
    /** Longest query sent to the search engine, in characters. */
    static final int MAX_QUERY_CHARS = 400;

    private WebContext() {
    }

    /** OpenRouter's default search prompt, with the date of the search. */
    public static String defaultPrompt(LocalDate date) {
        return "A web search was conducted on " + date + ". Incorporate the following web search results into"
                + " your response.\n\nIMPORTANT: Cite them using markdown links named using the domain of the source.\n"
                + "Example: [nytimes.com](https://nytimes.com/some-page).";
    }

    /** The text of the last user message (text parts joined), cut to {@link #MAX_QUERY_CHARS}; empty when there is none. */
    public static Optional<String> query(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (message.path("role").asText().equals("user")) {
                String text = text(message.get("content")).strip();
                if (text.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(text.length() > MAX_QUERY_CHARS ? text.substring(0, MAX_QUERY_CHARS) : text);
            }
        }
        return Optional.empty();
    }

    private static String text(JsonNode content) {
        if (content == null) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                out.append(out.isEmpty() ? "" : "\n").append(part.path("text").asText());
            }
        }
        return out.toString();
    }

    /** The results the plugin's domain filters allow, at most {@code max}. */
    public static List<SearchResult> select(List<SearchResult> results, PluginRequest.WebOptions options, int max) {
        return results.stream()
                .filter(r -> options.includeDomains().isEmpty() || options.includeDomains().stream().anyMatch(d -> matches(r.url(), d)))
                .filter(r -> options.excludeDomains().stream().noneMatch(d -> matches(r.url(), d)))
                .limit(max).toList();
    }

    /** {@code example.com} matches it and its subdomains; {@code *.example.com} only subdomains; a path narrows further. */
    static boolean matches(String url, String domain) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int slash = domain.indexOf('/');
        String wantedHost = slash < 0 ? domain : domain.substring(0, slash);
        String wantedPath = slash < 0 ? "" : domain.substring(slash);
        boolean hostMatches = wantedHost.startsWith("*.") ? host.endsWith(wantedHost.substring(1))
                : host.equals(wantedHost) || host.endsWith("." + wantedHost);
        String path = uri.getPath() == null ? "" : uri.getPath();
        return hostMatches && path.startsWith(wantedPath);
    }

    /** The prompt and the results as one text block for the model. */
    public static String block(String prompt, List<SearchResult> results) {
        StringBuilder out = new StringBuilder(prompt);
        int n = 1;
        for (SearchResult r : results) {
            out.append("\n\n[").append(n++).append("] ").append(r.title().isBlank() ? r.url() : r.title())
                    .append("\nURL: ").append(r.url());
            if (!r.content().isBlank()) {
                out.append('\n').append(r.content().strip());
            }
        }
        return out.toString();
    }

    /** Adds {@code block} to the last user message of {@code messages} (changed in place), after its own text. */
    public static void addToLastUserMessage(ArrayNode messages, String block) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof ObjectNode message && message.path("role").asText().equals("user")) {
                JsonNode content = message.get("content");
                if (content != null && content.isArray()) {
                    ((ArrayNode) content).addObject().put("type", "text").put("text", block);
                } else {
                    message.put("content", text(content) + "\n\n" + block);
                }
                return;
            }
        }
    }

    /**
     * The answer's {@code url_citation} annotations, one per result, with the snippet as
     * {@code content}; {@code start_index} / {@code end_index} locate the first mention of the URL
     * in {@code answer} (0 and 0 when the answer does not mention it).
     */
    public static ArrayNode annotations(List<SearchResult> results, String answer) {
        ArrayNode annotations = Json.MAPPER.createArrayNode();
        for (SearchResult r : results) {
            ObjectNode citation = annotations.addObject().put("type", "url_citation").putObject("url_citation");
            citation.put("url", r.url()).put("title", r.title());
            if (!r.content().isBlank()) {
                citation.put("content", r.content());
            }
            int at = answer == null ? -1 : answer.indexOf(r.url());
            citation.put("start_index", Math.max(at, 0)).put("end_index", at < 0 ? 0 : at + r.url().length());
        }
        return annotations;
    }
}
