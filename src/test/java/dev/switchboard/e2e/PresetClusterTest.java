package dev.switchboard.e2e;

import dev.switchboard.presets.Presets;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestRedis;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.switchboard.e2e.AccountsApi.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes on one PostgreSQL and Redis: a preset changed on one is served changed by the other well before its cache expires. */
@Timeout(120)
class PresetClusterTest {
    private String database;
    private String prefix;

    @BeforeEach
    void freshStores() {
        database = TestStores.postgresUrl();
        prefix = TestRedis.prefix();
    }

    @AfterEach
    void dropStores() {
        TestStores.drop(database);
        TestRedis.clean(prefix);
    }

    private TestGateway node() {
        return TestGateway.start("storage: { database: \"" + database + "\", redis: \"" + TestRedis.URI
                + "\", redis_prefix: \"" + prefix + "\" }\n" + AccountsApi.yaml(false));
    }

    private static HttpResponse<String> chat(TestGateway node) {
        return node.post("/v1/chat/completions", AccountsApi.chatBody("@preset/shared", "Hello", false));
    }

    @Test
    void aPresetChangedOrDeletedOnOneNodeIsServedSoByTheOther() {
        try (TestGateway a = node(); TestGateway b = node()) {
            assertThat(a.call("POST", "/api/v1/presets", ADMIN,
                    "{\"name\": \"shared\", \"config\": {\"model\": \"" + AccountsApi.PRICED + "\"}}").statusCode()).isEqualTo(201);
            // B reads the preset and keeps it in its cache
            assertThat(Json.parse(chat(b).body()).get("model").asText()).isEqualTo(AccountsApi.PRICED);

            assertThat(a.call("PUT", "/api/v1/presets/shared", ADMIN,
                    "{\"config\": {\"model\": \"switchboard/echo\"}}").statusCode()).isEqualTo(200);

            // well within the cache's expiry: only the change told through Redis explains it
            Duration within = Presets.CACHED_FOR.dividedBy(3);
            Poll.until(() -> Json.parse(chat(b).body()).path("model").asText(), "switchboard/echo"::equals, within);

            assertThat(a.call("DELETE", "/api/v1/presets/shared", ADMIN, null).statusCode()).isEqualTo(200);
            Poll.until(() -> chat(b).statusCode(), status -> status == 404, within);
        }
    }
}
