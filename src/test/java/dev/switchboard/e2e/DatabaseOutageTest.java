package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.UsageLedger;
import dev.switchboard.protocol.Json;
import dev.switchboard.testing.ChatLoad;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.StoredLedger;
import dev.switchboard.testing.TcpProxy;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL going away under load, through a {@link TcpProxy} that closes every connection and
 * refuses new ones: known keys keep being served, ledger rows wait in their bounded queue, the admin
 * key API answers 503 in our words; once the database is back the queue drains, every served
 * generation has its row and each key's stored usage is the sum of its rows.
 */
class DatabaseOutageTest {
    private static final String ADMIN = "sk-test-admin-outage";
    private static final int WORKERS = 60;

    // docs/operations.md "Failure behaviour: crashes and database outages": the DB-outage rows
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void servesKnownKeysWhilePostgresIsDownAndStoresEveryRowOnceItIsBack() throws Exception {
        String direct = TestStores.postgresUrl();
        TcpProxy proxy = TcpProxy.to("127.0.0.1", 5432);
        try (FakeUpstream upstream = FakeUpstream.start()) {
            String stream = Fixtures.text("openai/chat_stream_text.sse");
            upstream.route(r -> r.json().path("stream").asBoolean()
                    ? FakeUpstream.sseEvents(stream, 40)
                    : FakeUpstream.delayed(200, FakeUpstream.fixture(200, "openai/chat_nonstream.json")));
            String viaProxy = direct.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
            try (TestGateway gateway = TestGateway.start("auth: { admin_key: " + ADMIN + ", require_keys: true }\n"
                    + "storage: { database: \"" + viaProxy + "\" }\n"
                    + "providers:\n" + Upstreams.provider("alpha", upstream)
                    + "models:\n" + Upstreams.model("test/model", "alpha"))) {
                HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", ADMIN, "{\"name\":\"outage\",\"limit\":100}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String key = Json.parse(created.body()).path("key").asText();
                String hash = Json.parse(created.body()).path("data").path("hash").asText();
                UsageLedger ledger = gateway.server().accounts().ledger();

                List<ChatLoad.Outcome> outcomes;
                try (ChatLoad load = ChatLoad.loop(gateway.uri("/v1/chat/completions"), key, "test/model", WORKERS)) {
                    assertThat(load.awaitEnded(WORKERS, Duration.ofSeconds(15))).as("the load runs").isTrue();

                    proxy.cut();
                    int beforeOutage = load.ended();
                    long adminAsked = System.nanoTime();
                    HttpResponse<String> keys = gateway.call("GET", "/api/v1/keys", ADMIN, null);
                    long adminMillis = (System.nanoTime() - adminAsked) / 1_000_000;
                    assertThat(keys.statusCode()).as(keys.body()).isEqualTo(503);
                    JsonNode error = Json.parse(keys.body()).path("error");
                    assertThat(error.path("type").asText()).isEqualTo("service_unavailable");
                    assertThat(error.path("message").asText()).isEqualTo("the store is unavailable; retry shortly");
                    assertThat(keys.headers().firstValue("retry-after")).hasValue("1");
                    assertThat(adminMillis).as("the admin API does not hang on a database that is down").isLessThan(10_000);

                    // served meanwhile with the cached key: a good number of requests, all of them whole
                    assertThat(load.awaitEnded(beforeOutage + 3 * WORKERS, Duration.ofSeconds(20)))
                            .as("requests keep being served while the database is down").isTrue();
                    int queued = ledger.used();
                    assertThat(queued).as("rows wait in the ledger's queue").isGreaterThan(WORKERS)
                            .isLessThanOrEqualTo(ledger.capacity());
                    assertThat(proxy.refused()).as("the database was really unreachable").isPositive();

                    proxy.restore();
                    assertThat(load.stop(Duration.ofSeconds(20))).isTrue();
                    outcomes = load.outcomes();
                } finally {
                    proxy.restore(); // whatever failed: the gateway must be able to write its rows when it stops
                }
                assertThat(outcomes).as("every request was served whole, before, during and after the outage")
                        .allSatisfy(o -> assertThat(o.complete()).as(o.detail()).isTrue());
                awaitDrained(ledger, Duration.ofSeconds(25));

                Set<String> ids = new HashSet<>();
                outcomes.forEach(o -> ids.add(o.generationId()));
                assertThat(StoredLedger.ids(direct, hash)).as("every served generation has its row").isEqualTo(ids);
                long rowsSum = StoredLedger.costSum(direct, hash);
                assertThat(StoredLedger.keyUsage(direct, hash)).as("the key's stored usage is the sum of its rows").isEqualTo(rowsSum);
                JsonNode shown = Json.parse(gateway.call("GET", "/api/v1/keys/" + hash, ADMIN, null).body()).path("data");
                assertThat(shown.path("usage").decimalValue()).as("and so is the usage it shows")
                        .isEqualByComparingTo(BigDecimal.valueOf(rowsSum, 12));
                assertThat(shown.path("reserved").decimalValue()).as("nothing stays reserved").isZero();
            }
        } finally {
            proxy.close();
            TestStores.drop(direct);
        }
    }

    private static void awaitDrained(UsageLedger ledger, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.used() > 0) {
            assertThat(System.nanoTime()).as("the ledger drained once the database was back (%d slots in use)",
                    ledger.used()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
