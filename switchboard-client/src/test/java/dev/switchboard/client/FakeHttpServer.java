package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A scripted HTTP server (the JDK's own) standing in for the gateway: answers in order, records what came. */
final class FakeHttpServer implements AutoCloseable {

    /** One request as received. */
    record Received(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            return Json.parseOrMissing(body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    /** One answer: status, headers, and the body written in these parts (each flushed on its own). */
    record Reply(int status, Map<String, String> headers, List<String> parts) {
        static Reply json(int status, String body) {
            return new Reply(status, Map.of("content-type", "application/json"), List.of(body));
        }

        static Reply json(int status, String body, Map<String, String> headers) {
            Map<String, String> all = new java.util.HashMap<>(headers);
            all.put("content-type", "application/json");
            return new Reply(status, all, List.of(body));
        }

        static Reply error(int status, String type, String message) {
            return json(status, "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}");
        }

        static Reply sse(String... parts) {
            return new Reply(200, Map.of("content-type", "text/event-stream"), List.of(parts));
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    FakeHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    FakeHttpServer enqueue(Reply... next) {
        replies.addAll(List.of(next));
        return this;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1";
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        Reply reply = replies.poll();
        if (reply == null) {
            reply = Reply.error(500, "server_error", "no reply scripted");
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(reply.status(), 0); // chunked: parts arrive as written
        try (OutputStream out = exchange.getResponseBody()) {
            for (String part : reply.parts()) {
                out.write(part.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
