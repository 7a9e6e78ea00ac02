package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The UI with keys required: login, sessions, roles, CSRF, and the admin's key management. */
class UiLoginTest {
    static final String ADMIN = "sk-test-ui-admin";
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                auth: { require_keys: true, admin_key: %s }
                providers:
                  - { id: demo, tokens_per_second: 0 }
                """.formatted(ADMIN));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** An inference key made through the API: its secret. */
    static String inferenceKey(String name) {
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.parse(created.body()).get("key").asText();
    }

    @Test
    void everyPageAsksForALoginFirst() {
        UiClient ui = new UiClient(gateway);
        for (String path : new String[] {"/", "/models/switchboard/echo", "/activity", "/playground", "/keys"}) {
            HttpResponse<String> page = ui.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(303);
            assertThat(page.headers().firstValue("location").orElse("")).as(path).startsWith("/login?next=");
        }
        HttpResponse<String> login = ui.get("/login?next=/activity");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"next\" value=\"/activity\"", "type=\"password\"");
    }

    @Test
    void aWrongKeyIsRefusedOnTheLoginPage() {
        UiClient ui = new UiClient(gateway);
        HttpResponse<String> answer = ui.login("sk-sb-v1-not-a-key");
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("id=\"login-error\"", "Invalid API key");
    }

    @Test
    void theLoginOpensAFreshSessionInAStrictHttpOnlyCookie() {
        UiClient ui = new UiClient(gateway);
        String csrf = ui.csrf("/login");
        String before = ui.session();

        HttpResponse<String> answer = ui.postForm("/login", Map.of("key", ADMIN, "next", "/keys"), csrf);

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("location")).hasValue("/keys");
        String cookie = answer.headers().allValues("set-cookie").getFirst();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
        assertThat(ui.session()).isNotEqualTo(before);
        // the session id known before the login is worthless now
        UiClient fixated = new UiClient(gateway);
        fixated.session(before);
        assertThat(fixated.get("/keys").statusCode()).isEqualTo(303);
        assertThat(ui.get("/keys").statusCode()).isEqualTo(200);
    }

    @Test
    void loginRefusesAnOffSiteNext() {
        UiClient ui = new UiClient(gateway);
        String csrf = ui.csrf("/login");
        HttpResponse<String> answer = ui.postForm("/login", Map.of("key", ADMIN, "next", "//evil.example/x"), csrf);
        assertThat(answer.headers().firstValue("location")).hasValue("/");
    }

    /** Issue 12 item 10: each of these led, or could lead, a browser to another origin, or hung the login. */
    @Test
    @Timeout(30)
    void loginRedirectsOnlyToPathsOnThisServer() {
        Map<String, String> nextToLocation = new LinkedHashMap<>();
        nextToLocation.put("/\t/evil.example", "/");          // next=/%09/evil.example: a browser drops the tab
        nextToLocation.put("/\n/evil.example", "/");
        nextToLocation.put("//evil.example", "/");
        nextToLocation.put("/\\evil.example", "/");          // a browser reads \ as /
        nextToLocation.put("/\\/evil.example", "/");
        nextToLocation.put("https://evil.example/", "/");
        nextToLocation.put("evil.example", "/");
        nextToLocation.put("javascript:alert(1)", "/");
        nextToLocation.put("/keys\r\nSet-Cookie: x=1", "/");  // CR/LF made POST /login hang
        nextToLocation.put("/\u00a0/evil.example", "/");
        nextToLocation.put("/models/openai/gpt-4.1?tab=endpoints#x", "/models/openai/gpt-4.1?tab=endpoints#x");
        nextToLocation.put("/activity", "/activity");
        nextToLocation.put("/%09/evil.example", "/%09/evil.example"); // an encoded tab stays a path here
        nextToLocation.forEach((next, location) -> {
            UiClient ui = new UiClient(gateway);
            String csrf = ui.csrf("/login");
            HttpResponse<String> answer = ui.postForm("/login", Map.of("key", ADMIN, "next", next), csrf);
            assertThat(answer.statusCode()).as(next).isEqualTo(303);
            assertThat(answer.headers().allValues("location")).as(next).containsExactly(location);
            assertThat(answer.headers().allValues("set-cookie")).as(next).noneMatch(c -> c.startsWith("x="));
        });
    }

    @Test
    @Timeout(30)
    void theLoginPageKeepsOnlyASafeNext() {
        UiClient ui = new UiClient(gateway);
        HttpResponse<String> page = ui.get("/login?next=/%09/evil.example");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"next\" value=\"/\"");
    }

    @Test
    void theAdminCreatesAKeyShownOnceThenDisablesIt() {
        UiClient ui = new UiClient(gateway);
        ui.login(ADMIN);
        String csrf = ui.csrf("/keys");

        HttpResponse<String> posted = ui.postForm("/keys", Map.of("name", "from the UI", "limit", "2.5",
                "limit_reset", "monthly", "requests_per_minute", "60", "tokens_per_minute", ""), csrf);

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
        assertThat(posted.headers().firstValue("location")).hasValue("/keys");
        assertThat(posted.body()).doesNotContain("sk-sb-v1-");
        HttpResponse<String> created = ui.get("/keys");
        assertThat(created.headers().firstValue("cache-control")).hasValue("no-store");
        Matcher secret = Pattern.compile("id=\"created-secret\">(sk-sb-v1-[^<]+)<").matcher(created.body());
        assertThat(secret.find()).isTrue();
        String key = secret.group(1);
        HttpResponse<String> list = ui.get("/keys"); // shown once: not on the next look
        assertThat(list.body()).contains("from the UI", "$2.50", "monthly").doesNotContain(key, "created-secret");

        // the key works on the API, until it is disabled in the UI
        String chat = "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(gateway.call("POST", "/v1/chat/completions", key, chat).statusCode()).isEqualTo(200);
        String hash = hashOf(list.body(), "from the UI");
        HttpResponse<String> disabled = ui.postForm("/keys/" + hash, Map.of("action", "disable"), csrf);
        assertThat(disabled.statusCode()).isEqualTo(303);
        assertThat(gateway.call("POST", "/v1/chat/completions", key, chat).statusCode()).isEqualTo(403);
        JsonNode json = Json.parse(gateway.call("GET", "/api/v1/keys/" + hash, ADMIN, null).body()).get("data");
        assertThat(json.get("disabled").asBoolean()).isTrue();
        assertThat(json.get("limit").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(json.path("rate_limit").path("requests_per_minute").asLong()).isEqualTo(60);
    }

    @Test
    void htmxGetsTheChangedRowAndBadLimitsGetTheApisMessage() {
        UiClient ui = new UiClient(gateway);
        ui.login(ADMIN);
        String csrf = ui.csrf("/keys");
        inferenceKey("row key");
        String hash = hashOf(ui.get("/keys").body(), "row key");

        HttpResponse<String> row = ui.postForm("/keys/" + hash, Map.of("action", "update", "name", "row key",
                "limit", "5", "limit_reset", "", "requests_per_minute", "", "tokens_per_minute", "1000"), null);
        assertThat(row.statusCode()).isEqualTo(403); // no token: neither field nor header

        HttpResponse<String> fragment = sendHtmx(ui, "/keys/" + hash, Map.of("action", "update", "name", "row key",
                "limit", "5", "limit_reset", "", "requests_per_minute", "", "tokens_per_minute", "1000"), csrf);
        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.body()).startsWith("<tr data-key=\"" + hash + "\"").contains("$5.00", "1,000");

        HttpResponse<String> bad = ui.postForm("/keys/" + hash, Map.of("action", "update", "limit", "-1"), csrf);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("limit must not be negative");
        HttpResponse<String> badCreate = ui.postForm("/keys", Map.of("name", " "), csrf);
        assertThat(badCreate.statusCode()).isEqualTo(400);
        assertThat(badCreate.body()).contains("name must not be empty");
    }

    @Test
    void anInferenceKeySeesItsOwnActivityAndThePlaygroundButNotTheKeys() throws InterruptedException {
        String key = inferenceKey("playground user");
        UiClient ui = new UiClient(gateway);
        assertThat(ui.login(key).statusCode()).isEqualTo(303);

        HttpResponse<String> keys = ui.get("/keys");
        assertThat(keys.statusCode()).isEqualTo(403);
        assertThat(keys.body()).contains("needs the admin key");
        assertThat(ui.get("/").body()).doesNotContain("href=\"/keys\"").contains("key playground user");

        String csrf = ui.csrf("/playground");
        HttpResponse<String> answer = ui.postJson("/playground/chat",
                "{\"model\":\"switchboard/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"metered\"}]}",
                Map.of("X-CSRF-Token", csrf));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"cost\"", "data: [DONE]");

        // billed to the session's key: its own activity API shows the request
        String activity = UiPagesTest.poll(() -> gateway.call("GET", "/api/v1/activity", key, null).body(),
                body -> body.contains("switchboard/echo"));
        assertThat(Json.parse(activity).get("data").get(0).get("requests").asLong()).isEqualTo(1);
        HttpResponse<String> page = ui.get("/activity");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("key playground user", "switchboard/echo").doesNotContain("id=\"activity-key\"");

        // the admin may look at this key alone
        UiClient admin = new UiClient(gateway);
        admin.login(ADMIN);
        String hash = hashOf(admin.get("/keys").body(), "playground user");
        String ofKey = admin.get("/activity?key=" + hash).body();
        assertThat(ofKey).contains("id=\"activity-scope\">key playground user", "id=\"activity-key\"",
                "value=\"" + hash + "\" selected");
        assertThat(ofKey).containsPattern("<tfoot><tr><th>Total</th><th class=\"num\">1</th>");
    }

    @Test
    void theAdminSeesEveryKeysActivityAndChatsOnlyOnAnInferenceKey() {
        UiClient ui = new UiClient(gateway);
        ui.login(ADMIN);
        assertThat(ui.get("/activity").body()).contains("id=\"activity-scope\">every key<");
        String csrf = ui.csrf("/playground");
        // without a key picked on the page (?key=HASH), the admin key itself cannot call models
        HttpResponse<String> answer = ui.postJson("/playground/chat",
                "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", Map.of("X-CSRF-Token", csrf));
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Json.parse(answer.body()).path("error").path("param").asText()).isEqualTo("key");
        assertThat(Json.parse(answer.body()).path("error").path("message").asText()).contains("admin key");
    }

    @Test
    void aKeyDisabledAfterTheLoginLosesItsPagesAtOnce() {
        String key = inferenceKey("soon disabled");
        UiClient ui = new UiClient(gateway);
        ui.login(key);
        assertThat(ui.get("/activity").statusCode()).isEqualTo(200);

        UiClient admin = new UiClient(gateway);
        admin.login(ADMIN);
        String hash = hashOf(admin.get("/keys").body(), "soon disabled");
        admin.postForm("/keys/" + hash, Map.of("action", "disable"), admin.csrf("/keys"));

        HttpResponse<String> page = ui.get("/activity");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("disabled");
    }

    @Test
    void logoutEndsTheSession() {
        UiClient ui = new UiClient(gateway);
        ui.login(ADMIN);
        String session = ui.session();
        String csrf = ui.csrf("/keys");

        HttpResponse<String> out = ui.postForm("/logout", Map.of(), csrf);

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("location")).hasValue("/login");
        UiClient old = new UiClient(gateway);
        old.session(session);
        assertThat(old.get("/keys").statusCode()).isEqualTo(303);
    }

    private static HttpResponse<String> sendHtmx(UiClient ui, String path, Map<String, String> form, String csrf) {
        return ui.postFormWithHeaders(path, form, Map.of("HX-Request", "true", "X-CSRF-Token", csrf));
    }

    /** The hash of the key named {@code name} in the keys table. */
    static String hashOf(String keysPage, String name) {
        Matcher row = Pattern.compile("<tr data-key=\"([0-9a-f]{64})\"[^>]*>\\s*<td><strong>" + Pattern.quote(name) + "</strong>")
                .matcher(keysPage);
        assertThat(row.find()).as("a row for " + name).isTrue();
        return row.group(1);
    }
}
