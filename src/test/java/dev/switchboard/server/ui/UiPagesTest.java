package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The web UI over HTTP on an open gateway ({@code require_keys: false}): pages, fragments, static files, the playground. */
class UiPagesTest {
    static final String HOSTILE = "hostile/model";
    /** Streams at 400 tokens/s, so its throughput is measurable. */
    static final String PACED = "test/paced";
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                providers:
                  - { id: demo, tokens_per_second: 0 }
                  - { id: paced, name: Paced demo, protocol: demo, tokens_per_second: 400 }
                models:
                  - id: %s
                    name: Paced
                    context_length: 4000
                    pricing: { prompt: 1, completion: 2 }
                    endpoints: [ { provider: paced, upstream_model: echo } ]
                  - id: %s
                    name: "Hostile <b>name</b>"
                    description: "Says <script>alert('pwned')</script> & more"
                    context_length: 4000
                    pricing: { prompt: 1, completion: 2 }
                    endpoints: [ { provider: demo, upstream_model: echo } ]
                """.formatted(PACED, HOSTILE), Map.of("OPENAI_API_KEY", "sk-test-openai"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void catalogListsEveryModelWithContextPricesAndProviders() {
        HttpResponse<String> page = new UiClient(gateway).get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy").orElse("")).contains("script-src 'self'");
        assertThat(page.body()).contains("<title>Models · Switchboard</title>", "OpenAI: GPT-4.1", "openai/gpt-4.1",
                "1.05M", "128K", "$2", "$8", "switchboard/echo", "text, image, file → text");
        assertThat(rowsOf(page.body())).contains("openai/gpt-4.1", "openai/gpt-4o", "switchboard/echo", HOSTILE)
                .doesNotContain("anthropic/claude-sonnet-4");
        assertThat(page.body()).contains("Hostile &lt;b&gt;name&lt;/b&gt;").doesNotContain("<b>name</b>");
    }

    @Test
    void oversizedFormsAndUnknownMethodsGetHtmlErrors() {
        UiClient ui = new UiClient(gateway);
        String csrf = ui.csrf("/login");
        HttpResponse<String> huge = ui.postForm("/login", Map.of("key", "x".repeat(Pages.MAX_FORM_BYTES + 1)), csrf);
        assertThat(huge.statusCode()).isEqualTo(413);
        try (var http1 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> overHttp1 = http1.send(java.net.http.HttpRequest.newBuilder(gateway.uri("/login"))
                    .header("cookie", Sessions.COOKIE + "=" + ui.session())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&key=" + "x".repeat(Pages.MAX_FORM_BYTES)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(overHttp1.statusCode()).isEqualTo(413);
            assertThat(overHttp1.body()).contains("Too large");
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        HttpResponse<String> put = gateway.send(java.net.http.HttpRequest.newBuilder(gateway.uri("/activity"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    }

    @Test
    void aFirstVisitGetsAnHttpOnlySameSiteStrictSessionCookie() {
        HttpResponse<String> page = new UiClient(gateway).get("/");

        String cookie = page.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
        assertThat(cookie.substring(Sessions.COOKIE.length() + 1, cookie.indexOf(';'))).hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void htmxFiltersAnswerWithTheTableFragmentOnly() {
        HttpResponse<String> fragment = new UiClient(gateway).get("/?q=mini&sort=price",
                Map.of("HX-Request", "true", "HX-Target", "model-table"));

        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.body()).doesNotContain("<html", "<form");
        // by input price: $0.15, $0.40, $1.10
        assertThat(rowsOf(fragment.body())).containsExactly("openai/gpt-4o-mini", "openai/gpt-4.1-mini", "openai/o4-mini");
    }

    @Test
    void filtersByModalityContextPriceAndProvider() {
        UiClient ui = new UiClient(gateway);
        assertThat(rowsOf(ui.get("/?modality=image").body())).contains("openai/gpt-4.1").doesNotContain(HOSTILE);
        assertThat(rowsOf(ui.get("/?context=1000000").body())).contains("openai/gpt-4.1").doesNotContain("openai/gpt-4o");
        assertThat(rowsOf(ui.get("/?max_price=0").body())).contains("switchboard/echo").doesNotContain("openai/gpt-4.1");
        assertThat(rowsOf(ui.get("/?provider=demo").body())).containsExactlyInAnyOrder("switchboard/echo", HOSTILE);
    }

    @Test
    void sortsByPriceContextAndNewest() {
        UiClient ui = new UiClient(gateway);
        List<String> byPrice = rowsOf(ui.get("/?sort=price&provider=openai").body());
        assertThat(byPrice.indexOf("openai/gpt-4.1-nano")).isLessThan(byPrice.indexOf("openai/gpt-4.1"));
        List<String> byContext = rowsOf(ui.get("/?sort=context").body());
        assertThat(byContext.indexOf("openai/gpt-4.1")).isLessThan(byContext.indexOf("openai/gpt-4o"));
        List<String> newest = rowsOf(ui.get("/?sort=newest&provider=openai").body());
        assertThat(newest.indexOf("openai/gpt-4.1")).isLessThan(newest.indexOf("openai/gpt-4o"));
    }

    @Test
    void sortsByLiveThroughputAndLatencyWithModelsWithoutDataLast() throws InterruptedException {
        HttpResponse<String> served = gateway.post("/v1/chat/completions", "{\"model\":\"" + PACED
                + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"measure me, token by token, please\"}]}");
        assertThat(served.statusCode()).isEqualTo(200);
        UiClient ui = new UiClient(gateway);

        String byThroughput = poll(() -> ui.get("/?sort=throughput").body(), html -> rowsOf(html).indexOf(PACED) == 0
                || rowsOf(html).indexOf(PACED) == 1);
        List<String> rows = rowsOf(byThroughput);
        assertThat(rows.indexOf(PACED)).isLessThan(2).isLessThan(rows.indexOf("openai/gpt-4.1"));
        assertThat(byThroughput).contains(" tok/s</td>");
        List<String> byLatency = rowsOf(ui.get("/?sort=latency").body());
        assertThat(byLatency.indexOf(PACED)).isLessThan(byLatency.indexOf("openai/gpt-4.1"));
        assertThat(byLatency.getLast()).isNotEqualTo(PACED);
    }

    @Test
    void modelPageShowsPricesProvidersUptimeStripUsageChartAndSamples() {
        HttpResponse<String> page = new UiClient(gateway).get("/models/openai/gpt-4.1");

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains("OpenAI: GPT-4.1", "<code id=\"model-id\">openai/gpt-4.1</code>", "Apr 14, 2025",
                "1.05M", "<strong>$2</strong>/M input", "<strong>$8</strong>/M output", "<strong>$0.50</strong>/M cache read",
                "data-provider=\"openai\"", "no training", "tokens-chart", "Tokens processed per day",
                "<code>response_format</code>", "<code>tools</code>");
        assertThat(count(html, "class=\"hour hour-")).isEqualTo(72);
        String base = "http://127.0.0.1:" + gateway.port() + "/v1";
        assertThat(html).contains("base_url=\"" + base + "\"", "baseURL: \"" + base + "\"", base + "/chat/completions",
                ".baseUrl(\"" + base + "\")", "model=\"openai/gpt-4.1\"", ".model(\"openai/gpt-4.1\")");
        assertThat(html).contains("data-tab=\"python\"", "data-tab=\"typescript\"", "data-tab=\"curl\"", "data-tab=\"java\"");
        assertThat(html).contains("href=\"/playground?model=openai%2Fgpt-4.1&amp;prompt=Write+a+haiku+about+a+network+switchboard.\"");
    }

    @Test
    void modelDescriptionAndNameAreEscaped() {
        String html = new UiClient(gateway).get("/models/" + HOSTILE).body();

        assertThat(html).contains("Says &lt;script&gt;alert('pwned')&lt;/script&gt; &amp; more", "Hostile &lt;b&gt;name&lt;/b&gt;")
                .doesNotContain("<script>alert", "<b>name</b>");
    }

    @Test
    void unknownModelIsAnHtmlNotFoundPage() {
        HttpResponse<String> page = new UiClient(gateway).get("/models/nobody/nothing");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("Model not found");
    }

    @Test
    void theApiKeepsItsJsonAnswers() {
        assertThat(Json.parse(gateway.get("/v1/models").body()).get("object").asText()).isEqualTo("list");
        HttpResponse<String> missing = gateway.get("/v1/nothing-here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Json.parse(missing.body()).path("error").path("code").asInt()).isEqualTo(404);
        assertThat(gateway.get("/api/v1/activity").headers().firstValue("content-type")).hasValue("application/json");
        assertThat(gateway.get("/models").statusCode()).isEqualTo(404);
    }

    @Test
    void staticFilesAreServedWithCacheHeaders() {
        UiClient ui = new UiClient(gateway);
        String page = ui.get("/").body();
        Matcher link = Pattern.compile("src=\"(/static/htmx\\.min\\.js\\?v=[0-9a-f]+)\"").matcher(page);
        assertThat(link.find()).isTrue();

        HttpResponse<String> htmx = ui.get(link.group(1));
        assertThat(htmx.statusCode()).isEqualTo(200);
        assertThat(htmx.headers().firstValue("content-type").orElse("")).startsWith("text/javascript");
        assertThat(htmx.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        String etag = htmx.headers().firstValue("etag").orElseThrow();
        assertThat(ui.get("/static/htmx.min.js", Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);
        assertThat(ui.get("/static/chart.umd.min.js").body()).contains("Chart");
        assertThat(ui.get("/static/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(ui.get("/static/nothing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void keysNeedTheAdminKeyEvenOnAnOpenGateway() {
        HttpResponse<String> page = new UiClient(gateway).get("/keys");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("location")).hasValue("/login?next=%2Fkeys");
    }

    @Test
    void playgroundChatNeedsTheSessionsCsrfToken() {
        UiClient ui = new UiClient(gateway);
        String csrf = ui.csrf("/playground");
        String body = "{\"model\":\"switchboard/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> none = ui.postJson("/playground/chat", body, Map.of());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(Json.parse(none.body()).path("error").path("message").asText()).contains("CSRF");
        assertThat(ui.postJson("/playground/chat", body, Map.of("X-CSRF-Token", csrf + "x")).statusCode()).isEqualTo(403);
        UiClient other = new UiClient(gateway);
        other.csrf("/playground");
        assertThat(other.postJson("/playground/chat", body, Map.of("X-CSRF-Token", csrf)).statusCode()).isEqualTo(403);
    }

    @Test
    void playgroundStreamsTheAnswerThroughTheGatewayAndItIsMetered() throws InterruptedException {
        UiClient ui = new UiClient(gateway);
        String csrf = ui.csrf("/playground");
        String body = "{\"model\":\"" + HOSTILE + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello from the playground\"}]}";

        HttpResponse<String> answer = ui.postJson("/playground/chat", body, Map.of("X-CSRF-Token", csrf, "X-Title", "Playground test"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(answer.body()).contains("\"usage\"", "\"cost\"", "data: [DONE]");
        StringBuilder text = new StringBuilder();
        for (String line : answer.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = Json.parse(line.substring(6));
                JsonNode delta = chunk.path("choices").path(0).path("delta").path("content");
                if (delta.isTextual()) {
                    text.append(delta.asText());
                }
            }
        }
        assertThat(text.toString()).isEqualTo("Hello from the playground");
        String generation = answer.headers().firstValue("x-generation-id").orElseThrow();

        // billed like an API call: the ledger has it, and the activity page shows it
        JsonNode row = pollGeneration(generation);
        assertThat(row.path("data").path("app").asText()).isEqualTo("Playground test");
        String activity = poll(() -> ui.get("/activity?by=app").body(), html -> html.contains("Playground test"));
        assertThat(activity).contains("Playground test", "requests without a key");
    }

    @Test
    void playgroundRejectsAFormPost() {
        UiClient ui = new UiClient(gateway);
        String csrf = ui.csrf("/playground");
        HttpResponse<String> form = ui.postForm("/playground/chat", Map.of("model", "switchboard/echo"), null);
        assertThat(form.statusCode()).isEqualTo(403);
        HttpResponse<String> text = ui.postJson("/playground/chat", "{}", Map.of("X-CSRF-Token", csrf, "content-type", "text/plain"));
        assertThat(text.statusCode()).isIn(400, 415);
    }

    @Test
    void formsWithoutTheCsrfTokenAreForbidden() {
        UiClient ui = new UiClient(gateway);
        ui.get("/login");
        HttpResponse<String> login = ui.postForm("/login", Map.of("key", "sk-anything"), null);
        assertThat(login.statusCode()).isEqualTo(403);
        assertThat(login.body()).contains("CSRF");
        assertThat(ui.postForm("/logout", Map.of(), "wrong").statusCode()).isEqualTo(403);
        assertThat(ui.postForm("/keys", Map.of("name", "x"), "wrong").statusCode()).isEqualTo(403);
    }

    @Test
    void activityAndPlaygroundPagesRenderWithoutALoginOnAnOpenGateway() {
        UiClient ui = new UiClient(gateway);
        HttpResponse<String> activity = ui.get("/activity?days=7&by=provider");
        assertThat(activity.statusCode()).isEqualTo(200);
        assertThat(activity.body()).contains("chart-tokens", "chart-requests", "chart-cost", "Last 7 days");
        HttpResponse<String> playground = ui.get("/playground?model=openai/gpt-4.1&prompt=Hi%20there");
        assertThat(playground.statusCode()).isEqualTo(200);
        assertThat(playground.body()).contains("value=\"openai/gpt-4.1\" data-providers=\"openai\" selected", ">Hi there</textarea>");
    }

    private static JsonNode pollGeneration(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> response = gateway.get("/api/v1/generation?id=" + id);
            if (response.statusCode() == 200 || System.nanoTime() > deadline) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                return Json.parse(response.body());
            }
            Thread.sleep(50);
        }
    }

    /** Asks again until the answer fits (the ledger is written in batches) or 10 s have passed. */
    static String poll(java.util.function.Supplier<String> ask, java.util.function.Predicate<String> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String answer = ask.get();
        while (!done.test(answer) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = ask.get();
        }
        return answer;
    }

    static List<String> rowsOf(String html) {
        Matcher m = Pattern.compile("<tr data-model=\"([^\"]+)\"").matcher(html);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
