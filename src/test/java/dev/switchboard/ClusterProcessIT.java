package dev.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.ChatLoad;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.GatewayProcess;
import dev.switchboard.testing.StoredLedger;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real nodes on one PostgreSQL database and one Redis; one is killed with SIGKILL in the middle
 * of a load. Its requests' reservations are held only until their expiry (the budget plus 10 s, on
 * Redis's clock), after which the other node sees nothing reserved and serves the key; no answer
 * that ended more than the ledger's window before the kill lost its row; and the cluster's usage
 * (Redis) never counts less than the ledger.
 */
class ClusterProcessIT {
    private static final long BUDGET_MS = 4_000;
    private static final long LEDGER_WINDOW_MS = 1_000;

    @Test
    void aNodeKilledMidLoadHoldsNothingPastItsReservationsExpiry(@TempDir Path dir) throws Exception {
        int workers = 40;
        String url = TestStores.postgresUrl();
        String storage = "database: \"" + url + "\", redis: \"redis://127.0.0.1:6379\", redis_prefix: \"sb-it-"
                + UUID.randomUUID() + ":\"";
        try (FakeUpstream upstream = FakeUpstream.start();
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String stream = Fixtures.text("openai/chat_stream_text.sse");
            upstream.route(r -> r.json().path("stream").asBoolean() ? FakeUpstream.sseEvents(stream, 60)
                    : FakeUpstream.delayed(300, FakeUpstream.fixture(200, "openai/chat_nonstream.json")));
            String yaml = ProcessFaultsIT.configOn(storage, upstream, 5_000) + "routing: { max_total_ms: " + BUDGET_MS + " }\n";
            Path a = Files.createDirectories(dir.resolve("a"));
            Path b = Files.createDirectories(dir.resolve("b"));
            try (GatewayProcess first = GatewayProcess.start(a, yaml);
                 GatewayProcess second = GatewayProcess.start(b, yaml)) {
                ProcessFaultsIT.Key key = ProcessFaultsIT.createKey(http, second);
                long killedAt;
                List<ChatLoad.Outcome> outcomes;
                try (ChatLoad load = ChatLoad.loop(first.uri("/v1/chat/completions"), key.secret(), ProcessFaultsIT.MODEL,
                        workers)) {
                    assertThat(load.awaitEnded(3 * workers, Duration.ofSeconds(60))).as("the load runs").isTrue();
                    Thread.sleep(2 * LEDGER_WINDOW_MS); // so that many answers ended longer than the window before the kill
                    killedAt = System.currentTimeMillis();
                    first.kill();
                    assertThat(load.stop(Duration.ofSeconds(20))).isTrue();
                    outcomes = load.outcomes();
                }
                JsonNode justAfter = ProcessFaultsIT.keyJson(http, second, key.hash());
                assertThat(justAfter.path("reserved").decimalValue()).as("the dead node's requests still hold their reservations")
                        .isPositive();

                // past the reservations' expiry (budget + 10 s) they are gone, whichever node looks
                Thread.sleep(BUDGET_MS + 10_000 + 1_000 - (System.currentTimeMillis() - killedAt));
                JsonNode afterExpiry = ProcessFaultsIT.keyJson(http, second, key.hash());
                assertThat(afterExpiry.path("reserved").decimalValue()).as("nothing held past the expiry").isZero();
                // the dead node wrote its last rows long ago: the cluster's usage (Redis) counts at least all of them
                assertThat(afterExpiry.path("usage").decimalValue()).as("the cluster counted at least what the ledger holds")
                        .isGreaterThanOrEqualTo(BigDecimal.valueOf(StoredLedger.costSum(url, key.hash()), 12));
                HttpResponse<String> served = http.send(ProcessFaultsIT.chat(second.uri("/v1/chat/completions"), key.secret(),
                        "after the kill"), HttpResponse.BodyHandlers.ofString());
                assertThat(served.statusCode()).as(served.body()).isEqualTo(200);

                // the ledger (PostgreSQL) lost at most the rows of answers that ended within its window before the kill
                Set<String> stored = StoredLedger.ids(url, key.hash());
                List<ChatLoad.Outcome> finished = outcomes.stream().filter(ChatLoad.Outcome::complete).toList();
                assertThat(finished.stream().filter(o -> o.endedAtMillis() < killedAt - LEDGER_WINDOW_MS).count())
                        .as("answers finished well before the kill").isGreaterThan(workers);
                assertThat(finished.stream().filter(o -> !stored.contains(o.generationId()))
                        .map(o -> killedAt - o.endedAtMillis()).toList())
                        .as("answers without a row ended less than %d ms before the kill", LEDGER_WINDOW_MS)
                        .allMatch(age -> age < LEDGER_WINDOW_MS);
                second.terminate();
                assertThat(second.waitFor(Duration.ofSeconds(30))).isTrue();
                assertThat(StoredLedger.keyUsage(url, key.hash())).as("the key's stored usage is the sum of its rows")
                        .isEqualTo(StoredLedger.costSum(url, key.hash()));
            }
        } finally {
            TestStores.drop(url);
        }
    }
}
