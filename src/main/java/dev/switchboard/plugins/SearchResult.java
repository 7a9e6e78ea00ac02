package dev.switchboard.plugins;

import static java.util.Objects.requireNonNull;

/** One web search result: its page, title and the snippet the engine returned (may be empty). */
public record SearchResult(String url, String title, String content) {
    public SearchResult {
        requireNonNull(url, "url");
        title = title == null ? "" : title;
        content = content == null ? "" : content;
    }
}
