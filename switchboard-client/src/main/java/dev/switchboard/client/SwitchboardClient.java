package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static java.util.Objects.requireNonNull;

/**
 * A client of a Switchboard gateway's Chat Completions API (or any OpenRouter-compatible one).
 * Immutable and thread-safe: build one and share it. Failures are {@link SwitchboardException}s;
 * requests that failed for a reason that may pass (408, 429, 502, 503, 504, no connection) are
 * sent again up to {@code maxRetries} times, with backoff.
 */
public final class SwitchboardClient implements AutoCloseable {
    public static final String DEFAULT_BASE_URL = "http://127.0.0.1:8080/api/v1";
    private static final String USER_AGENT = "switchboard-client-java/0.1";

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final RetryPolicy retries;
    private final String appTitle;
    private final String appUrl;
    private final Sleeper sleeper;
    private final Clock clock;
    private final HttpClient http;

    private SwitchboardClient(Builder b) {
        this.baseUrl = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
        this.apiKey = b.apiKey;
        this.timeout = b.timeout;
        this.retries = new RetryPolicy(b.maxRetries, b.initialBackoff, b.maxBackoff);
        this.appTitle = b.appTitle;
        this.appUrl = b.appUrl;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        // HTTP/1.1: the JDK would otherwise try an h2c upgrade on every new plain-text connection
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The text of the model's answer to one user message. */
    public String run(String model, String prompt) {
        String content = chat(model, List.of(Message.user(requireNonNull(prompt, "prompt"))), ChatOptions.defaults()).content();
        return content == null ? "" : content;
    }

    public ChatResult chat(String model, List<Message> messages) {
        return chat(model, messages, ChatOptions.defaults());
    }

    /** One non-streamed chat completion. */
    public ChatResult chat(String model, List<Message> messages, ChatOptions options) {
        ObjectNode body = RequestBodies.chat(requireNonNull(model, "model"), requireNonNull(messages, "messages"),
                requireNonNull(options, "options"), false);
        HttpResponse<String> response = send(post("/chat/completions", body), HttpResponse.BodyHandlers.ofString(),
                text -> text);
        return ChatResult.from(parse(response.body()));
    }

    public Stream<ChatChunk> stream(String model, List<Message> messages) {
        return stream(model, messages, ChatOptions.defaults());
    }

    /**
     * A streamed chat completion, read as it arrives. Close the stream (try-with-resources) to close
     * the connection, which stops the generation early. The last chunk carries the usage; a failure
     * after the stream began is thrown from the stream (and never retried).
     */
    public Stream<ChatChunk> stream(String model, List<Message> messages, ChatOptions options) {
        ObjectNode body = RequestBodies.chat(requireNonNull(model, "model"), requireNonNull(messages, "messages"),
                requireNonNull(options, "options"), true);
        HttpResponse<Stream<String>> response = send(post("/chat/completions", body)
                .header("accept", "text/event-stream"), HttpResponse.BodyHandlers.ofLines(), SwitchboardClient::drain);
        Stream<String> lines = response.body();
        return StreamSupport.stream(new SseChunks(lines.iterator()), false).onClose(lines::close);
    }

    /** The ledger row of a generation (its id is {@link ChatResult#id()}); 404 until the gateway has written it. */
    public Generation generation(String id) {
        String query = "/generation?id=" + URLEncoder.encode(requireNonNull(id, "id"), StandardCharsets.UTF_8);
        return Generation.from(parse(send(get(query), HttpResponse.BodyHandlers.ofString(), text -> text).body()));
    }

    /** The gateway's catalog. */
    public List<ModelInfo> models() {
        JsonNode body = parse(send(get("/models"), HttpResponse.BodyHandlers.ofString(), text -> text).body());
        List<ModelInfo> models = new ArrayList<>();
        body.path("data").forEach(m -> models.add(ModelInfo.from(m)));
        return List.copyOf(models);
    }

    @Override
    public void close() {
        http.close();
    }

    private HttpRequest.Builder post(String path, ObjectNode body) {
        return request(path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("user-agent", USER_AGENT);
        if (apiKey != null) {
            builder.header("authorization", "Bearer " + apiKey);
        }
        if (appTitle != null) {
            builder.header("x-title", appTitle);
        }
        if (appUrl != null) {
            builder.header("http-referer", appUrl);
        }
        return builder;
    }

    /** Sends until a 2xx answer, a failure that is not retryable, or the retries are spent. */
    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler,
                                     Function<T, String> errorText) {
        HttpRequest built = request.build();
        for (int retry = 0; ; retry++) {
            SwitchboardException failure;
            try {
                HttpResponse<T> response = http.send(built, handler);
                if (response.statusCode() / 100 == 2) {
                    return response;
                }
                failure = Errors.fromResponse(response.statusCode(), response.headers(),
                        errorText.apply(response.body()), clock);
            } catch (IOException e) {
                failure = transportFailure(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionFailedException(ErrorDetails.local("connection_error", "interrupted"), e);
            }
            Optional<Duration> delay = retries.delayBefore(retry, failure, ThreadLocalRandom.current()::nextDouble);
            if (delay.isEmpty()) {
                throw failure;
            }
            try {
                sleeper.sleep(delay.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.addSuppressed(e);
                throw failure;
            }
        }
    }

    // a connect timeout means the gateway was never reached (safe to retry); a response timeout does not
    private SwitchboardException transportFailure(IOException e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
            return new ConnectionFailedException(ErrorDetails.local("connection_error",
                    "could not connect to " + baseUrl + ": " + e), e);
        }
        if (e instanceof HttpTimeoutException) {
            return new TimeoutException(ErrorDetails.local("timeout_error",
                    "no answer within " + timeout.toMillis() + " ms"), e);
        }
        return new ConnectionFailedException(ErrorDetails.local("connection_error",
                "the connection to " + baseUrl + " failed: " + e), e);
    }

    private static String drain(Stream<String> lines) {
        try (lines) {
            return lines.collect(Collectors.joining("\n"));
        }
    }

    private static JsonNode parse(String body) {
        JsonNode json = Json.parseOrMissing(body);
        if (!json.isObject()) {
            throw new ConnectionFailedException(ErrorDetails.local("connection_error",
                    "not a JSON object in a 2xx answer: " + (body.length() > 200 ? body.substring(0, 200) + "..." : body)), null);
        }
        return json;
    }

    /** Waits between retries; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Not thread-safe; {@link #build()} makes the immutable client. */
    public static final class Builder {
        private String baseUrl = DEFAULT_BASE_URL;
        // SWITCHBOARD_KEY is the name the gateway's README uses in its examples
        private String apiKey = firstSet(System.getenv("SWITCHBOARD_API_KEY"), System.getenv("SWITCHBOARD_KEY"));
        private Duration timeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxRetries = 2;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private String appTitle;
        private String appUrl;
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The API root, e.g. {@code http://127.0.0.1:8080/api/v1} (the default) or {@code https://host/v1}. */
        public Builder baseUrl(String baseUrl) {
            URI uri = URI.create(requireNonNull(baseUrl, "baseUrl"));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("baseUrl: " + baseUrl + " (expected: an http or https URL)");
            }
            this.baseUrl = baseUrl;
            return this;
        }

        /** The inference key ({@code sk-sb-v1-...}); defaults to {@code SWITCHBOARD_API_KEY}, else {@code SWITCHBOARD_KEY}; null sends none. */
        public Builder apiKey(String apiKey) {
            this.apiKey = blankToNull(apiKey);
            return this;
        }

        /** How long to wait for an answer (for a stream: for its head); default 60 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** How many times a retryable failure is tried again (default 2; 0 turns retries off). */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected: >= 0)");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** The first wait between tries and the most it doubles to (default 500 ms and 8 s). */
        public Builder backoff(Duration initial, Duration max) {
            requireNonNull(initial, "initial");
            requireNonNull(max, "max");
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff: " + initial + ".." + max + " (expected: 0 <= initial <= max)");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Attributes usage to an app ({@code X-Title} and {@code HTTP-Referer}); either may be null. */
        public Builder app(String title, String url) {
            this.appTitle = blankToNull(title);
            this.appUrl = blankToNull(url);
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = requireNonNull(sleeper, "sleeper");
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public SwitchboardClient build() {
            return new SwitchboardClient(this);
        }

        private static Duration positive(Duration value, String name) {
            requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }

        private static String firstSet(String first, String second) {
            return blankToNull(first) != null ? first : blankToNull(second);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }
}
