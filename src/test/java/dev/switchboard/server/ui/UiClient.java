package dev.switchboard.server.ui;

import dev.switchboard.testing.TestGateway;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser-like client of the UI for HTTP tests: keeps the session cookie, sends forms, finds the CSRF token. */
final class UiClient {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"|X-CSRF-Token&#34;: &#34;([^&]+)&#34;");

    private TestGateway gateway;
    private String session;

    UiClient(TestGateway gateway) {
        this.gateway = gateway;
    }

    /** Sends the next requests to {@code node}, with the same cookie (another node behind one balancer). */
    UiClient on(TestGateway node) {
        this.gateway = node;
        return this;
    }

    String session() {
        return session;
    }

    void session(String value) {
        this.session = value;
    }

    HttpResponse<String> get(String path) {
        return get(path, Map.of());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /** A form POST; {@code csrf} null sends none. */
    HttpResponse<String> postForm(String path, Map<String, String> fields, String csrf) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        if (csrf != null) {
            all.put("csrf", csrf);
        }
        return postFormWithHeaders(path, all, Map.of());
    }

    /** A form POST with extra headers (as htmx sends it). */
    HttpResponse<String> postFormWithHeaders(String path, Map<String, String> fields, Map<String, String> headers) {
        String body = fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    HttpResponse<String> postJson(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return send(request);
    }

    /** The CSRF token of the session, as a page's forms carry it. */
    String csrf(String pagePath) {
        return csrfOf(get(pagePath).body()).orElseThrow(() -> new AssertionError("no CSRF token on " + pagePath));
    }

    static Optional<String> csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        return m.find() ? Optional.of(m.group(1) != null ? m.group(1) : m.group(2)) : Optional.empty();
    }

    /** Logs in through the form; returns the answer to the POST. */
    HttpResponse<String> login(String key) {
        String csrf = csrf("/login");
        return postForm("/login", Map.of("key", key, "next", "/"), csrf);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (session != null) {
            request.header("cookie", Sessions.COOKIE + "=" + session);
        }
        HttpResponse<String> response = gateway.send(request.build());
        for (String cookie : response.headers().allValues("set-cookie")) {
            if (cookie.startsWith(Sessions.COOKIE + "=")) {
                String value = cookie.substring(Sessions.COOKIE.length() + 1, cookie.indexOf(';') < 0 ? cookie.length() : cookie.indexOf(';'));
                session = value.isEmpty() ? null : value;
            }
        }
        return response;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
