package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SearXNG's JSON search API, the web plugin's search backend: {@code GET /search?q=…&format=json}
 * answers {@code {"results": [{"url", "title", "content"}, …]}} (the instance must allow the json
 * format in its {@code search.formats} setting).
 */
public final class Searxng {

    private Searxng() {
    }

    /** The path and query of a search for {@code query}, below the instance's base URL. */
    public static String searchPath(String query) {
        return "/search?format=json&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    /**
     * The results of an answer, in the engine's order, without ones lacking an http(s) URL.
     *
     * @throws InvalidSearchAnswer when the body is not SearXNG's JSON
     */
    public static List<SearchResult> results(byte[] body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (RuntimeException e) {
            throw new InvalidSearchAnswer("the search engine answered with invalid JSON");
        }
        JsonNode results = root == null ? null : root.get("results");
        if (results == null || !results.isArray()) {
            throw new InvalidSearchAnswer("the search engine's answer has no results array");
        }
        List<SearchResult> out = new ArrayList<>();
        for (JsonNode r : results) {
            String url = r.path("url").asText("");
            if (url.startsWith("http://") || url.startsWith("https://")) {
                out.add(new SearchResult(url, r.path("title").asText(""), r.path("content").asText("")));
            }
        }
        return out;
    }

    /** The search backend's answer could not be used. */
    public static final class InvalidSearchAnswer extends RuntimeException {
        public InvalidSearchAnswer(String message) {
            super(message);
        }
    }
}
