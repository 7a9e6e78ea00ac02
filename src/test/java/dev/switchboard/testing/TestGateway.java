package dev.switchboard.testing;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.server.SwitchboardServer;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Starts with the user's YAML on top of the built-in catalog; the environment is exactly {@code env}.
     * Unless the YAML says otherwise: a random port, a fresh SQLite store in a temporary directory,
     * and an open gateway ({@code auth.require_keys: false}).
     */
    public static TestGateway start(String yaml, Map<String, String> env) {
        return start(yaml, env, null);
    }

    /** As {@link #start(String, Map)}, tracing with {@code openTelemetry} (an SDK with an in-memory exporter). */
    public static TestGateway start(String yaml, Map<String, String> env, io.opentelemetry.api.OpenTelemetry openTelemetry) {
        return start(yaml, env, openTelemetry, Clock.systemUTC());
    }

    /** As {@link #start(String)}, on {@code clock} (a {@link ManualClock} moves time without sleeping). */
    public static TestGateway startAt(Clock clock, String yaml) {
        return start(yaml, Map.of(), null, clock);
    }

    /** As {@link #start(String)}, with every request deadline measured on {@code time} (moved by the test). */
    public static TestGateway startOn(dev.switchboard.gateway.Timekeeper time, String yaml) {
        TestGateway gateway = start(yaml);
        gateway.server.gateway().useTimekeeper(time);
        return gateway;
    }

    /** As {@link #start(String)}, on Vert.x built from {@code vertxOptions} (e.g. a stricter blocked-thread checker). */
    public static TestGateway start(String yaml, VertxOptions vertxOptions) {
        return start(yaml, Map.of(), null, Clock.systemUTC(), vertxOptions);
    }

    private static TestGateway start(String yaml, Map<String, String> env, io.opentelemetry.api.OpenTelemetry openTelemetry,
                                     Clock clock) {
        return start(yaml, env, openTelemetry, clock, new VertxOptions());
    }

    private static TestGateway start(String yaml, Map<String, String> env, io.opentelemetry.api.OpenTelemetry openTelemetry,
                                     Clock clock, VertxOptions vertxOptions) {
        String full = yaml;
        if (!yaml.contains("server:")) {
            full = "server: { port: 0, stream_keepalive_ms: 60000 }\n" + full;
        }
        if (!yaml.contains("storage:")) {
            full = "storage: { database: \"" + freshSqliteUrl() + "\" }\n" + full;
        }
        if (!yaml.contains("auth:")) {
            full = "auth: { require_keys: false }\n" + full;
        }
        SwitchboardConfig config = new ConfigLoader(env).load("test.yaml", full);
        Catalog catalog = CatalogFactory.build(config, ProviderAdapters.IMPLEMENTED);
        // two event loops unless the YAML sets server.event_loops (one puts every connection on the same loop)
        int eventLoops = config.server().eventLoops() > 0 ? config.server().eventLoops() : 2;
        return new TestGateway(SwitchboardServer.start(config, catalog, clock, eventLoops, openTelemetry, vertxOptions));
    }

    /** {@code sqlite:} in a new temporary directory (removed when the JVM exits). */
    public static String freshSqliteUrl() {
        try {
            Path dir = Files.createTempDirectory("switchboard-test-");
            dir.toFile().deleteOnExit();
            Path db = dir.resolve("switchboard.db");
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                dir.resolve("switchboard.db" + suffix).toFile().deleteOnExit();
            }
            return "sqlite:" + db;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** A request with {@code Authorization: Bearer key} ({@code key} may be null for none); {@code body} null for none. */
    public HttpResponse<String> call(String method, String path, String key, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("content-type", "application/json");
        }
        if (key != null) {
            builder.header("authorization", "Bearer " + key);
        }
        return send(builder.build());
    }

    /** The official OpenAI Java client with {@code key}, retries off. */
    public OpenAIClient openAi(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl())
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
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
