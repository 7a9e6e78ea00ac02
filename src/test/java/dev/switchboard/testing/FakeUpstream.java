package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A programmable upstream provider for integration tests: a small Vert.x server that records
 * every request and answers with replies built from the recorded wire fixtures (whole JSON
 * bodies, SSE streams sent event by event, errors, hangs and cut connections).
 */
public final class FakeUpstream implements AutoCloseable {

    /** One request as the upstream received it. */
    public record Received(String method, String path, String query, Map<String, String> headers, byte[] body) {
        public JsonNode json() {
            return Json.parse(body);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** How to answer one request. */
    @FunctionalInterface
    public interface Reply {
        void send(HttpServerRequest request, FakeUpstream upstream);
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private volatile CountDownLatch closeLatch = new CountDownLatch(1);
    private volatile Function<Received, Reply> router;
    private volatile Reply fallback = json(500, "{\"error\":{\"message\":\"no reply programmed\",\"type\":\"server_error\"}}");

    private FakeUpstream() {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        await(server.listen(0, "127.0.0.1"));
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    public int port() {
        return server.actualPort();
    }

    /** Base URL as an OpenAI-compatible provider would be configured: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Replies are taken in order; when none is queued, the router (if set) or the fallback answers. */
    public FakeUpstream enqueue(Reply... replies) {
        queue.addAll(List.of(replies));
        return this;
    }

    public FakeUpstream always(Reply reply) {
        this.fallback = reply;
        return this;
    }

    public FakeUpstream route(Function<Received, Reply> router) {
        this.router = router;
        return this;
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public int requestCount() {
        return received.size();
    }

    public Received last() {
        synchronized (received) {
            return received.getLast();
        }
    }

    public int closedConnections() {
        return closedConnections.get();
    }

    /** Waits until a connection to this upstream is closed by the peer (the gateway). */
    public boolean awaitConnectionClosed(Duration timeout) throws InterruptedException {
        return closeLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void resetCloseWatch() {
        closeLatch = new CountDownLatch(1);
    }

    private void handle(HttpServerRequest request) {
        request.connection().closeHandler(v -> {
            closedConnections.incrementAndGet();
            closeLatch.countDown();
        });
        request.body().onSuccess(body -> {
            Map<String, String> headers = new java.util.HashMap<>();
            request.headers().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
            Received r = new Received(request.method().name(), request.path(), request.query(), Map.copyOf(headers),
                    body.getBytes());
            received.add(r);
            Reply reply = queue.poll();
            if (reply == null && router != null) {
                reply = router.apply(r);
            }
            (reply != null ? reply : fallback).send(request, this);
        });
    }

    // ---- replies ----

    public static Reply json(int status, String body) {
        return json(status, body, Map.of());
    }

    public static Reply json(int status, String body, Map<String, String> headers) {
        return (request, upstream) -> {
            HttpServerResponse response = request.response().setStatusCode(status);
            headers.forEach(response::putHeader);
            response.putHeader("content-type", "application/json").end(body);
        };
    }

    public static Reply fixture(int status, String fixture) {
        return json(status, Fixtures.text(fixture));
    }

    /** The SSE text written in one piece. */
    public static Reply sse(String text) {
        return (request, upstream) -> sseHead(request.response()).end(text);
    }

    /** The events of an SSE text (split at blank lines) written one by one, {@code gapMs} apart. */
    public static Reply sseEvents(String text, long gapMs) {
        return (request, upstream) -> {
            List<String> events = events(text);
            HttpServerResponse response = sseHead(request.response());
            upstream.writeEvents(request, events, 0, gapMs, events.size(), true);
        };
    }

    /** Writes the first {@code count} events, then drops the connection without ending the response. */
    public static Reply sseCutAfter(String text, int count) {
        return (request, upstream) -> {
            List<String> events = events(text);
            HttpServerResponse response = sseHead(request.response());
            upstream.writeEvents(request, events, 0, 5, count, false);
        };
    }

    /** Sends the head, then nothing (the gateway must time out). */
    public static Reply headThenSilence() {
        return (request, upstream) -> sseHead(request.response()).writeHead();
    }

    /** Never answers. */
    public static Reply hang() {
        return (request, upstream) -> {
        };
    }

    /** Streams {@code data: <chunk>} events forever, {@code gapMs} apart, until the connection closes. */
    public static Reply endless(String chunkJson, long gapMs) {
        return (request, upstream) -> {
            HttpServerResponse response = sseHead(request.response());
            long timer = upstream.vertx.setPeriodic(1, gapMs, id -> {
                if (!response.closed()) {
                    response.write("data: " + chunkJson + "\n\n");
                }
            });
            response.closeHandler(v -> upstream.vertx.cancelTimer(timer));
        };
    }

    /**
     * Streams {@code count} events as fast as the gateway reads them (each written when the last one
     * left the write queue: back-pressure, no timer), then {@code tail} (e.g. a usage chunk and
     * {@code [DONE]}) and the end. {@code event} builds event {@code i}'s SSE text.
     */
    public static Reply flood(int count, java.util.function.IntFunction<String> event, String tail) {
        return (request, upstream) -> {
            HttpServerResponse response = sseHead(request.response());
            upstream.writeFlood(response, event, 0, count, tail);
        };
    }

    private static final int FLOOD_WRITE = 32 * 1024;

    private void writeFlood(HttpServerResponse response, java.util.function.IntFunction<String> event, int from,
                            int count, String tail) {
        int i = from;
        while (i < count && !response.writeQueueFull()) {
            if (response.closed()) {
                return;
            }
            // events gathered into 32 KiB writes, as a fast server's socket would carry them
            io.vertx.core.buffer.Buffer batch = io.vertx.core.buffer.Buffer.buffer(FLOOD_WRITE + 1024);
            while (i < count && batch.length() < FLOOD_WRITE) {
                batch.appendString(event.apply(i++));
            }
            response.write(batch);
        }
        if (i < count) {
            int next = i;
            response.drainHandler(v -> writeFlood(response, event, next, count, tail));
            return;
        }
        response.end(tail);
    }

    public static Reply delayed(long ms, Reply reply) {
        return (request, upstream) -> upstream.vertx.setTimer(ms, id -> reply.send(request, upstream));
    }

    private void writeEvents(HttpServerRequest request, List<String> events, int index, long gapMs, int count,
                             boolean end) {
        HttpServerResponse response = request.response();
        if (response.closed()) {
            return;
        }
        if (index >= Math.min(count, events.size())) {
            if (end) {
                response.end();
            } else {
                request.connection().close(); // drop the connection mid-stream (no terminating chunk)
            }
            return;
        }
        response.write(events.get(index));
        vertx.setTimer(Math.max(1, gapMs), id -> writeEvents(request, events, index + 1, gapMs, count, end));
    }

    private static HttpServerResponse sseHead(HttpServerResponse response) {
        return response.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream");
    }

    /** Splits an SSE text into its events, each with its own trailing blank line, keeping the line endings. */
    public static List<String> events(String text) {
        List<String> events = new ArrayList<>();
        String separator = text.contains("\r\n\r\n") ? "\r\n\r\n" : "\n\n";
        int start = 0;
        int at;
        while ((at = text.indexOf(separator, start)) >= 0) {
            events.add(text.substring(start, at + separator.length()));
            start = at + separator.length();
        }
        if (start < text.length() && !text.substring(start).isBlank()) {
            events.add(text.substring(start));
        }
        return events;
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
