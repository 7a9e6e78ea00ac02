package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real headless Chromium: login, keys, the catalog's htmx filters, a streamed
 * playground answer, two models compared side by side, charts drawn by Chart.js. One browser for the class; the tests run in order
 * because they share its session. Screenshots of each page land in target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserTest {
    static final String ADMIN = "sk-test-browser-admin";
    /** A text-only model next to switchboard/echo (which takes images), for the compare mode. */
    static final String SECOND_ECHO = "test/second-echo";
    static TestGateway gateway;
    static HeadlessChromium browser;
    static ChromeDriver driver;
    static String inferenceKey;

    @BeforeAll
    static void start() {
        HeadlessChromium.assumeInstalled();
        gateway = TestGateway.start("""
                auth: { require_keys: true, admin_key: %s }
                providers:
                  - { id: demo, tokens_per_second: 200 }
                models:
                  - id: %s
                    name: Second echo
                    context_length: 4000
                    pricing: { prompt: 1, completion: 2 }
                    endpoints: [ { provider: demo, upstream_model: echo } ]
                """.formatted(ADMIN, SECOND_ECHO), Map.of("OPENAI_API_KEY", "sk-test-openai"));
        HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"browser user\"}");
        inferenceKey = Json.parse(created.body()).get("key").asText();
        browser = HeadlessChromium.start();
        driver = browser.driver();
        // every page records what its Content-Security-Policy blocked, before any of its own scripts run
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__blocked = []; document.addEventListener('securitypolicyviolation',"
                        + " e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void theAdminLogsInCreatesAKeySeenOnceAndDisablesIt() {
        open("/keys");
        wait(ExpectedConditions.urlContains("/login?next="));
        shot("login");
        login(ADMIN);
        wait(ExpectedConditions.urlToBe(url("/keys")));

        driver.findElement(By.cssSelector("details.card summary")).click();
        driver.findElement(By.id("new-key-name")).sendKeys("made in the browser");
        driver.findElement(By.name("limit")).sendKeys("10");
        driver.findElement(By.id("create-key-button")).click();

        WebElement secret = wait(ExpectedConditions.visibilityOfElementLocated(By.id("created-secret")));
        String key = secret.getText();
        assertThat(key).startsWith("sk-sb-v1-");
        driver.findElement(By.id("copy-secret")).click();
        wait(ExpectedConditions.attributeToBe(By.id("copy-secret"), "data-copied", "true"));
        shot("keys-created");

        open("/keys");
        assertThat(driver.getPageSource()).doesNotContain(key);
        WebElement row = keyRow("made in the browser");
        String hash = row.getAttribute("data-key");
        row.findElement(By.cssSelector("button.danger")).click();
        // htmx swaps the row in place
        wait(d -> keyRow("made in the browser").getText().contains("disabled"));
        assertThat(driver.getCurrentUrl()).isEqualTo(url("/keys"));
        JsonNode json = Json.parse(gateway.call("GET", "/api/v1/keys/" + hash, ADMIN, null).body()).get("data");
        assertThat(json.get("disabled").asBoolean()).isTrue();
        HttpResponse<String> refused = gateway.call("POST", "/v1/chat/completions", key,
                "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(refused.statusCode()).isEqualTo(403);
        shot("keys");

        driver.findElement(By.id("logout")).click();
        wait(ExpectedConditions.urlContains("/login"));
    }

    @Test
    @Order(2)
    void theCatalogFiltersInPlaceWithHtmx() {
        open("/login");
        login(inferenceKey);
        wait(ExpectedConditions.urlToBe(url("/")));
        assertThat(driver.findElement(By.id("who")).getText()).isEqualTo("key browser user");
        assertThat(driver.findElements(By.cssSelector("a[href='/keys']"))).isEmpty();
        int all = rows().size();
        assertThat(all).isGreaterThan(5);
        shot("catalog");

        WebElement table = driver.findElement(By.cssSelector("#model-table table"));
        driver.findElement(By.name("q")).sendKeys("mini");
        wait(ExpectedConditions.stalenessOf(table));
        wait(d -> rows().size() < all);
        assertThat(rows()).allMatch(id -> id.contains("mini"));
        assertThat(driver.getCurrentUrl()).contains("q=mini");

        new Select(driver.findElement(By.name("sort"))).selectByValue("price");
        try {
            wait(d -> rows().getFirst().equals("openai/gpt-4o-mini"));
        } catch (RuntimeException e) {
            throw new AssertionError("url " + driver.getCurrentUrl() + " rows " + rows(), e);
        }
        shot("catalog-filtered");
    }

    @Test
    @Order(3)
    void thePlaygroundStreamsAnAnswerWithItsTokensAndCost() {
        open("/playground?model=switchboard/echo");
        assertThat(new Select(driver.findElement(By.id("pg-model"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("switchboard/echo");
        driver.findElement(By.id("pg-input")).sendKeys("Hello from a real browser, streamed token by token");
        driver.findElement(By.id("pg-send")).click();

        WebElement reply = wait(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".message.assistant[data-done='true']")));
        assertThat(reply.findElement(By.className("content")).getText())
                .isEqualTo("Hello from a real browser, streamed token by token");
        String meta = reply.findElement(By.className("meta")).getText();
        assertThat(meta).contains("provider Switchboard Demo", "first token", "tokens/s", "prompt +", "completion tokens", "cost $", "gen-");
        assertThat(reply.getAttribute("class")).doesNotContain("failed");
        shot("playground");
    }

    @Test
    @Order(3)
    void thePlaygroundComparesTwoModelsSideBySide() {
        open("/playground?model=switchboard/echo");
        // switchboard/echo takes images: the image field is offered, until a text-only model is compared
        assertThat(driver.findElement(By.id("pg-image-field")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("pg-column-b")).isDisplayed()).isFalse();
        new Select(driver.findElement(By.id("pg-compare"))).selectByValue(SECOND_ECHO);
        assertThat(driver.findElement(By.id("pg-image-field")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("pg-column-b")).isDisplayed()).isTrue();
        driver.findElement(By.id("pg-temperature")).sendKeys("0.5");
        driver.findElement(By.id("pg-max-tokens")).sendKeys("200");
        driver.findElement(By.id("pg-input")).sendKeys("Both columns answer this");
        driver.findElement(By.id("pg-send")).click();

        for (String column : List.of("pg-messages", "pg-messages-b")) {
            WebElement reply = wait(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#" + column + " .message.assistant[data-done='true']")));
            assertThat(reply.findElement(By.className("content")).getText()).as(column).isEqualTo("Both columns answer this");
            assertThat(reply.getAttribute("class")).as(column).doesNotContain("failed");
            assertThat(reply.findElement(By.className("meta")).getText()).as(column).contains("provider Switchboard Demo", "gen-");
        }
        assertThat(driver.findElement(By.id("pg-title-b")).getText()).isEqualTo(SECOND_ECHO);
        shot("playground-compare");
    }

    @Test
    @Order(4)
    void activityChartsDrawTheLedger() {
        // the ledger is written in batches: reload until the playground's request is in it
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            open("/activity");
        } while (!driver.findElements(By.id("activity-empty")).isEmpty() && System.nanoTime() < deadline);
        assertThat(driver.findElement(By.id("activity-scope")).getText()).contains("browser user");
        assertThat(driver.findElement(By.id("activity-totals")).getText()).contains("switchboard/echo");
        for (String chart : List.of("chart-tokens", "chart-requests", "chart-cost")) {
            assertThat(drawnPixels(chart)).as(chart).isGreaterThan(100);
        }
        shot("activity");
    }

    @Test
    @Order(5)
    void theModelPageShowsProvidersUptimeUsageAndCode() {
        open("/models/switchboard/echo");
        assertThat(driver.findElement(By.id("model-id")).getText()).isEqualTo("switchboard/echo");
        assertThat(Long.parseLong(driver.findElement(By.id("tokens-total")).getText())).isGreaterThan(0);
        assertThat(drawnPixels("tokens-chart")).isGreaterThan(100);
        assertThat(driver.findElements(By.cssSelector("tr[data-provider='demo']"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector(".uptime-strip .hour"))).hasSize(72);
        assertThat(driver.findElements(By.cssSelector(".uptime-strip .hour-good"))).isNotEmpty();

        WebElement java = driver.findElement(By.cssSelector("[data-tab='java']"));
        assertThat(driver.findElement(By.id("code-java")).isDisplayed()).isFalse();
        java.click();
        assertThat(driver.findElement(By.id("code-java")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("code-java")).getText())
                .contains(".baseUrl(\"" + url("/v1") + "\")", ".model(\"switchboard/echo\")");
        shot("model-echo");

        open("/models/openai/gpt-4.1");
        assertThat(driver.findElement(By.id("model-name")).getText()).isEqualTo("OpenAI: GPT-4.1");
        assertThat(driver.findElement(By.id("model-context")).getText()).isEqualTo("1.05M");
        assertThat(drawnPixels("tokens-chart")).isGreaterThan(0);
        shot("model");
    }

    @Test
    @Order(6)
    void darkModeFollowsTheSystemAndPagesFitAPhone() {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            open("/models/switchboard/echo");
            assertThat(driver.executeScript("return getComputedStyle(document.body).backgroundColor"))
                    .isEqualTo("rgb(18, 19, 23)");
            assertThat(drawnPixels("tokens-chart")).isGreaterThan(100);
            shot("model-dark");
        } finally {
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        var size = driver.manage().window().getSize();
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            open("/");
            Object overflow = driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(((Number) overflow).longValue()).as("page wider than the phone").isLessThanOrEqualTo(0);
            shot("catalog-phone");
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    // ---- helpers ----

    /** Checks that the page broke none of its security policy, then saves its screenshot. */
    private static void shot(String name) {
        assertThat(driver.executeScript("return window.__blocked")).as("CSP violations on " + name).asList().isEmpty();
        browser.screenshot(name);
    }

    private static void open(String path) {
        driver.get(url(path));
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private static void login(String key) {
        driver.findElement(By.id("login-key")).sendKeys(key);
        driver.findElement(By.id("login-button")).click();
    }

    private static <T> T wait(java.util.function.Function<org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    private static WebElement keyRow(String name) {
        return driver.findElements(By.cssSelector("#keys tbody tr")).stream()
                .filter(r -> r.getText().startsWith(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for key " + name));
    }

    private static List<String> rows() {
        return driver.findElements(By.cssSelector("#model-table tr[data-model]")).stream()
                .map(r -> r.getAttribute("data-model")).toList();
    }

    /** Pixels Chart.js has painted on a canvas; -1 when no chart is attached to it. */
    private static long drawnPixels(String canvasId) {
        Object painted = driver.executeScript("""
                const canvas = document.getElementById(arguments[0]);
                if (!canvas || typeof Chart === 'undefined' || !Chart.getChart(canvas)) { return -1; }
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted++; } }
                return painted;
                """, canvasId);
        return ((Number) painted).longValue();
    }
}
