package dev.switchboard.e2e;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.accounting.KeyDirectory;
import dev.switchboard.accounting.KeySecrets;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.e2e.AccountsApi.chat;
import static dev.switchboard.e2e.AccountsApi.createKey;
import static dev.switchboard.e2e.AccountsApi.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database failing under a running gateway on PostgreSQL: the test schema's key table is
 * renamed away, so every key lookup fails as with a database that is down, for an hour of a manual
 * clock. Known keys keep being served, a key found unknown just before is still refused with 401,
 * and a change made in the database meanwhile applies once it answers again.
 */
class KeyOutageTest {
    private static final String ECHO = "switchboard/echo";

    @Test
    void knownKeysKeepWorkingWhileTheDatabaseFailsAndChangesApplyOnceItIsBack() throws Exception {
        String url = TestStores.postgresUrl();
        String schema = url.substring(url.indexOf("?schema=") + "?schema=".length());
        ManualClock clock = new ManualClock(Instant.now());
        String yaml = "storage: { database: \"" + url + "\" }\n" + AccountsApi.yaml();
        try (TestGateway gateway = TestGateway.startAt(clock, yaml)) {
            AccountsApi.Created key = createKey(gateway);
            OpenAIClient client = gateway.openAi(key.secret());
            String triedBefore = KeySecrets.generate();
            assertThat(hello(client).choices()).isNotEmpty();
            assertThat(chat(gateway, triedBefore, ECHO, "hi").statusCode()).isEqualTo(401);

            sql(schema, "ALTER TABLE %s.api_keys RENAME TO api_keys_away");
            HttpResponse<String> unknownNow = chat(gateway, triedBefore, ECHO, "hi");
            assertThat(unknownNow.statusCode()).as(unknownNow.body()).isEqualTo(401);
            HttpResponse<String> neverSeen = chat(gateway, KeySecrets.generate(), ECHO, "hi");
            assertThat(error(neverSeen, 503).path("type").asText()).as("a key it cannot check").isEqualTo("service_unavailable");

            for (int minute = 0; minute < 60; minute += 5) {
                clock.advance(Duration.ofMinutes(5));
                assertThat(hello(client).choices()).as("minute %d of the outage", minute).isNotEmpty();
            }
            assertThat(concurrently(gateway, key.secret(), 40)).as("40 requests at once").containsOnly(200);

            sql(schema, "ALTER TABLE %s.api_keys_away RENAME TO api_keys");
            // as the CLI or another node would: straight in the database
            sql(schema, "UPDATE %s.api_keys SET disabled = TRUE WHERE hash = '" + key.hash() + "'");
            clock.advance(KeyDirectory.REFRESH.plusSeconds(1));
            awaitStatus(gateway, key.secret(), 403);
        } finally {
            TestStores.drop(url);
        }
    }

    private static ChatCompletion hello(OpenAIClient client) {
        return client.chat().completions().create(
                ChatCompletionCreateParams.builder().model(ECHO).addUserMessage("Hello").build());
    }

    /** Statuses of {@code n} chat requests sent together (bounded: one thread each, on 127.0.0.1). */
    private static List<Integer> concurrently(TestGateway gateway, String secret, int n) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<CompletableFuture<Integer>> inFlight = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int at = i;
                inFlight.add(CompletableFuture.supplyAsync(
                        () -> chat(gateway, secret, ECHO, "request " + at).statusCode(), threads));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Integer> f : inFlight) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            threads.shutdownNow();
        }
    }

    /** Polls (the key is re-read in the background) until a chat request with {@code secret} gets {@code status}. */
    private static void awaitStatus(TestGateway gateway, String secret, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> last;
        while ((last = chat(gateway, secret, ECHO, "again")).statusCode() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + last.statusCode() + " " + last.body() + ", expected " + status);
            }
            Thread.sleep(20);
        }
    }

    /** Runs {@code statement} with {@code %s} standing for the test's schema. */
    private static void sql(String schema, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_JDBC, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(statement.formatted("\"" + schema + "\""));
        }
    }
}
