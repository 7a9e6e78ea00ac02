package dev.switchboard.providers.gemini;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.providers.ProviderAdapters;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where and how the adapter calls Gemini. */
class GeminiAdapterTest {

    private static Endpoint builtIn(String model, Map<String, String> env) {
        Catalog catalog = CatalogFactory.build(new ConfigLoader(env).builtIn(), ProviderAdapters.IMPLEMENTED);
        return catalog.find(model).orElseThrow().endpoints().stream()
                .filter(e -> e.provider().id().value().equals("google-ai-studio")).findFirst().orElseThrow();
    }

    private static Endpoint configured(String baseUrl, String upstreamModel) {
        String yaml = """
                providers:
                  - { id: gem, protocol: gemini, base_url: "%s", api_key: k, headers: { X-Team: search } }
                models:
                  - id: test/gem
                    name: Gem
                    context_length: 1000
                    tokenizer: Gemini
                    pricing: { prompt: 1, completion: 1 }
                    endpoints:
                      - { provider: gem, upstream_model: "%s" }
                """.formatted(baseUrl, upstreamModel);
        Catalog catalog = CatalogFactory.build(new ConfigLoader(Map.of()).load("t.yaml", yaml), ProviderAdapters.IMPLEMENTED);
        return catalog.find("test/gem").orElseThrow().endpoints().getFirst();
    }

    @Test
    void callsGenerateContentOrStreamGenerateContentWithSse() {
        Endpoint flash = builtIn("google/gemini-2.5-flash", Map.of("GEMINI_API_KEY", "AIza-test"));

        assertThat(flash.enabled()).isTrue();
        assertThat(GeminiAdapter.url(flash, false))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(GeminiAdapter.url(flash, true))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    }

    @Test
    void sendsTheKeyInTheGoogleHeaderNeverInTheUrl() {
        Endpoint flash = builtIn("google/gemini-2.5-flash", Map.of("GEMINI_API_KEY", "AIza-test"));

        MultiMap headers = GeminiAdapter.headers(flash.provider(), true);

        assertThat(headers.get("x-goog-api-key")).isEqualTo("AIza-test");
        assertThat(headers.get("authorization")).isNull();
        assertThat(headers.get("accept")).isEqualTo("text/event-stream");
        assertThat(GeminiAdapter.url(flash, true)).doesNotContain("AIza-test").doesNotContain("key=");
    }

    @Test
    void followsGeminiBaseUrlAndKeepsAnExplicitVersionOrResourceName() {
        assertThat(GeminiAdapter.url(builtIn("google/gemini-2.5-pro",
                Map.of("GEMINI_API_KEY", "k", "GEMINI_BASE_URL", "http://127.0.0.1:9999")), false))
                .isEqualTo("http://127.0.0.1:9999/v1beta/models/gemini-2.5-pro:generateContent");
        assertThat(GeminiAdapter.url(configured("https://proxy.example/gemini/v1", "gemini-2.5-pro"), false))
                .isEqualTo("https://proxy.example/gemini/v1/models/gemini-2.5-pro:generateContent");
        assertThat(GeminiAdapter.url(configured("https://g.example", "tunedModels/my-model-1"), true))
                .isEqualTo("https://g.example/v1beta/tunedModels/my-model-1:streamGenerateContent?alt=sse");
    }

    @Test
    void addsTheProvidersStaticHeaders() {
        assertThat(GeminiAdapter.headers(configured("https://g.example", "m").provider(), false).get("X-Team"))
                .isEqualTo("search");
    }
}
