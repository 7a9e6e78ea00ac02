package dev.switchboard.server.ui;

import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestRedis;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI on two nodes sharing PostgreSQL and Redis (cluster mode): a browser behind a balancer
 * may land on either node at every request.
 */
@Timeout(120)
class ClusterSessionsTest {
    static final String ADMIN = "sk-test-cluster-ui-admin";
    static String database;
    static String prefix;
    static TestGateway a;
    static TestGateway b;

    @BeforeAll
    static void start() {
        database = TestStores.postgresUrl();
        prefix = TestRedis.prefix();
        String yaml = """
                storage: { database: "%s", redis: "%s", redis_prefix: "%s" }
                auth: { require_keys: true, admin_key: %s }
                providers:
                  - { id: demo, tokens_per_second: 0 }
                """.formatted(database, TestRedis.URI, prefix, ADMIN);
        a = TestGateway.start(yaml);
        b = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() {
        try {
            b.close();
            a.close();
        } finally {
            TestStores.drop(database);
            TestRedis.clean(prefix);
        }
    }

    @Test
    void aLoginFormFromOneNodePostedToTheOtherOpensASessionValidOnBoth() {
        UiClient ui = new UiClient(a);
        String csrf = ui.csrf("/login");

        HttpResponse<String> login = ui.on(b).postForm("/login", Map.of("key", ADMIN, "next", "/keys"), csrf);

        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        assertThat(login.headers().firstValue("location")).hasValue("/keys");
        assertThat(ui.on(a).get("/keys").statusCode()).isEqualTo(200);
        assertThat(ui.on(b).get("/keys").statusCode()).isEqualTo(200);
        // kept with the idle timeout of one node's sessions
        long ttl = TestRedis.pttl(prefix + "ui:session:" + ui.session());
        assertThat(ttl).isGreaterThan(Sessions.IDLE_TIMEOUT.minus(Duration.ofMinutes(5)).toMillis())
                .isLessThanOrEqualTo(Sessions.IDLE_TIMEOUT.toMillis());
    }

    @Test
    void aKeyCreatedOnOneNodeIsShownOnceOnTheOther() {
        UiClient ui = new UiClient(a);
        ui.login(ADMIN);
        String csrf = ui.csrf("/keys");

        HttpResponse<String> posted = ui.on(b).postForm("/keys", Map.of("name", "made on b", "limit", "",
                "limit_reset", "", "requests_per_minute", "", "tokens_per_minute", ""), csrf);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);

        HttpResponse<String> shown = ui.on(a).get("/keys");
        Matcher secret = Pattern.compile("id=\"created-secret\">(sk-sb-v1-[^<]+)<").matcher(shown.body());
        assertThat(secret.find()).as("the new key's secret, shown on the other node").isTrue();
        assertThat(ui.on(b).get("/keys").body()).contains("made on b").doesNotContain(secret.group(1));
        assertThat(ui.on(a).get("/keys").body()).doesNotContain(secret.group(1));
    }

    @Test
    void aLogoutOnOneNodeEndsTheSessionOnTheOther() {
        UiClient ui = new UiClient(b);
        ui.login(ADMIN);
        assertThat(ui.on(a).get("/keys").statusCode()).isEqualTo(200);
        String csrf = ui.csrf("/keys");
        String loggedOut = ui.session();

        assertThat(ui.on(b).postForm("/logout", Map.of(), csrf).statusCode()).isEqualTo(303);

        // the browser forgets the cookie; one that kept it is logged out on every node all the same
        UiClient kept = new UiClient(a);
        kept.session(loggedOut);
        HttpResponse<String> page = kept.get("/keys");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("location").orElse("")).startsWith("/login");
    }
}
