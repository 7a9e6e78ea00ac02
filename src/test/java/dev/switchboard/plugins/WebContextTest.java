package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebContextTest {
    static final List<SearchResult> RESULTS = List.of(
            new SearchResult("https://www.example.com/a", "Example A", "Snippet A"),
            new SearchResult("https://news.example.org/b", "Example B", ""),
            new SearchResult("https://reddit.com/r/x", "Reddit", "chatter"));

    @Test
    void readsSearxngResultsAndSkipsOnesWithoutAWebUrl() {
        List<SearchResult> results = Searxng.results("""
                {"query": "q", "number_of_results": 3, "results": [
                  {"url": "https://a.example/1", "title": "One", "content": "first", "engine": "duckduckgo"},
                  {"url": "ftp://b.example/2", "title": "Two"},
                  {"url": "http://c.example/3", "title": "Three"}]}""".getBytes(StandardCharsets.UTF_8));
        assertThat(results).containsExactly(new SearchResult("https://a.example/1", "One", "first"),
                new SearchResult("http://c.example/3", "Three", ""));
        assertThatThrownBy(() -> Searxng.results("<html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Searxng.InvalidSearchAnswer.class);
        assertThatThrownBy(() -> Searxng.results("{\"answers\": []}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no results");
    }

    @Test
    void searchesForTheLastUserMessagesText() {
        JsonNode messages = Json.parse("""
                [{"role": "user", "content": "old question"}, {"role": "assistant", "content": "old answer"},
                 {"role": "user", "content": [{"type": "text", "text": "latest AI news"}, {"type": "image_url", "image_url": {"url": "x"}}]}]""");
        assertThat(WebContext.query(messages)).contains("latest AI news");
        assertThat(WebContext.query(Json.parse("[{\"role\": \"system\", \"content\": \"s\"}]"))).isEmpty();
        assertThat(Searxng.searchPath("latest AI news & more")).isEqualTo("/search?format=json&q=latest+AI+news+%26+more");
    }

    @Test
    void filtersByDomainAndCountsUpToTheMaximum() {
        PluginRequest.WebOptions onlyExample = new PluginRequest.WebOptions(null, null, List.of("example.com"), List.of());
        assertThat(WebContext.select(RESULTS, onlyExample, 5)).extracting(SearchResult::title).containsExactly("Example A");
        PluginRequest.WebOptions noReddit = new PluginRequest.WebOptions(null, null, List.of(), List.of("reddit.com"));
        assertThat(WebContext.select(RESULTS, noReddit, 1)).extracting(SearchResult::title).containsExactly("Example A");
        assertThat(WebContext.matches("https://x.substack.com/p", "*.substack.com")).isTrue();
        assertThat(WebContext.matches("https://substack.com/p", "*.substack.com")).isFalse();
        assertThat(WebContext.matches("https://openai.com/blog/post", "openai.com/blog")).isTrue();
        assertThat(WebContext.matches("https://openai.com/news", "openai.com/blog")).isFalse();
    }

    @Test
    void addsTheResultsUnderTheSearchPromptToTheLastUserMessage() {
        ArrayNode messages = (ArrayNode) Json.parse("[{\"role\": \"user\", \"content\": \"What is new?\"}]");
        String block = WebContext.block(WebContext.defaultPrompt(LocalDate.of(2026, 12, 2)), RESULTS.subList(0, 2));
        WebContext.addToLastUserMessage(messages, block);
        String content = messages.get(0).get("content").asText();
        assertThat(content).startsWith("What is new?\n\nA web search was conducted on 2026-12-02.")
                .contains("[1] Example A\nURL: https://www.example.com/a\nSnippet A")
                .contains("[2] Example B\nURL: https://news.example.org/b");
    }

    @Test
    void annotatesTheAnswerWithUrlCitations() {
        String answer = "See [example.com](https://www.example.com/a) for details.";
        JsonNode annotations = WebContext.annotations(RESULTS.subList(0, 2), answer);
        assertThat(annotations).hasSize(2);
        JsonNode first = annotations.get(0);
        assertThat(first.get("type").asText()).isEqualTo("url_citation");
        assertThat(first.get("url_citation").get("url").asText()).isEqualTo("https://www.example.com/a");
        assertThat(first.get("url_citation").get("title").asText()).isEqualTo("Example A");
        assertThat(first.get("url_citation").get("content").asText()).isEqualTo("Snippet A");
        int start = first.get("url_citation").get("start_index").asInt();
        assertThat(answer.substring(start, first.get("url_citation").get("end_index").asInt()))
                .isEqualTo("https://www.example.com/a");
        assertThat(annotations.get(1).get("url_citation").get("start_index").asInt()).isZero();
    }
}
