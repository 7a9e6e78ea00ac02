package dev.switchboard.testing;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.server.SwitchboardServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A real Switchboard server on a random port, configured from YAML, with clients pointed at it. */
public final class TestGateway implements AutoCloseable {
    private final SwitchboardServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway(SwitchboardServer server) {
        this.server = server;
    }

    /** Starts with the user's YAML on top of the built-in catalog; the environment is exactly {@code env}. */
    public static TestGateway start(String yaml, Map<String, String> env) {
        String withPort = yaml.contains("server:") ? yaml : "server: { port: 0, stream_keepalive_ms: 60000 }\n" + yaml;
        SwitchboardConfig config = new ConfigLoader(env).load("test.yaml", withPort);
        Catalog catalog = CatalogFactory.build(config, ProviderAdapters.IMPLEMENTED);
        return new TestGateway(SwitchboardServer.start(config, catalog, Clock.systemUTC(), 2));
    }

    public static TestGateway start(String yaml) {
        return start(yaml, Map.of());
    }

    public int port() {
        return server.port();
    }

    public SwitchboardServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The official OpenAI Java client, pointed at this gateway, with retries off so tests see every answer. */
    public OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl())
                .apiKey("sk-client-key-never-forwarded")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        server.close();
    }
}
