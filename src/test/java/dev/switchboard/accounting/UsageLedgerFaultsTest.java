package dev.switchboard.accounting;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.store.ActivityRow;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.StoreContract;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.switchboard.testing.Generations.at;
import static dev.switchboard.testing.Generations.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 5, on the real databases: a row the database refuses is set aside without
 * holding up the others, and a database that fails for a while gets every queued row once it is back.
 */
class UsageLedgerFaultsTest {
    private static final long T = at("2025-03-10T12:00:00Z");
    private static final long DAY = Math.floorDiv(T, 86_400_000L);
    private static final String HUGE_USER = "hostile-user-" + "u".repeat(10_000);

    private String url;
    private FaultyStore store;
    private UsageLedger ledger;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger ledgerLog = (Logger) LoggerFactory.getLogger(UsageLedger.class);

    private void open(String kind) {
        url = TestStores.url(kind);
        store = new FaultyStore(Stores.open(url));
        store.insertKey(new KeyRecord("k", "test", "sk-sb-v1-abc…f12", KeyRecord.Role.INFERENCE, null, null, null,
                null, null, false, 0, 1, 1));
        logs.start();
        ledgerLog.addAppender(logs);
    }

    @AfterEach
    void closeAll() {
        ledgerLog.detachAppender(logs);
        if (store == null) {
            return;
        }
        store.open();
        if (ledger != null) {
            ledger.close();
        }
        store.close();
        TestStores.drop(url);
    }

    private UsageLedger ledger(int capacity, int batchSize) {
        ledger = new UsageLedger(store, capacity, batchSize, Duration.ofMillis(20));
        return ledger;
    }

    private void admitAndRecord(GenerationRecord g) {
        assertThat(ledger.tryAdmit()).as("admitting %s", g.id()).isTrue();
        ledger.record(g);
    }

    /** A row no database takes (model is NOT NULL): what a bug or a value no bound foresaw looks like. */
    private static GenerationRecord refused(long createdAt) {
        GenerationRecord g = row(createdAt, "k", 1_000_003);
        return new GenerationRecord(g.id(), g.createdAt(), g.keyHash(), null, g.providerId(), g.providerName(),
                g.upstreamId(), g.app(), g.appUrl(), g.externalUser(), g.tokensPrompt(), g.tokensCompletion(),
                g.tokensCached(), g.tokensCacheWrite(), g.tokensReasoning(), g.usageEstimated(), g.costPico(),
                g.latencyMs(), g.generationTimeMs(), g.streamed(), g.cancelled(), g.finishReason(), g.attempts(),
                g.maxTokensRequested(), g.maxTokens(), g.droppedTools());
    }

    /** The row of issue 12: a client's 10,000-character user, a provider's long id and finish reason. */
    private static GenerationRecord oversized(long createdAt) {
        GenerationRecord g = row(createdAt, "k", 77);
        return new GenerationRecord(g.id(), g.createdAt(), g.keyHash(), g.model(), g.providerId(), g.providerName(),
                "chatcmpl-" + "x".repeat(1_000), g.app(), g.appUrl(), HUGE_USER, g.tokensPrompt(), g.tokensCompletion(),
                g.tokensCached(), g.tokensCacheWrite(), g.tokensReasoning(), g.usageEstimated(), g.costPico(),
                g.latencyMs(), g.generationTimeMs(), g.streamed(), g.cancelled(), "length_" + "z".repeat(200),
                g.attempts(), g.maxTokensRequested(), g.maxTokens(), g.droppedTools());
    }

    private long requestsStored() {
        return store.activity(DAY, DAY, "k").stream().mapToLong(ActivityRow::requests).sum();
    }

    private List<String> setAsideIds() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = StoreContract.jdbcOf(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT generation_id FROM ledger_rejects")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = StoreContract.jdbcOf(url); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private void assertNoLogNamesUserValues() {
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain("hostile-user").doesNotContain("user-7").doesNotContain("INSERT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRefusedRowIsSetAsideAndEveryOtherRowOfItsBatchIsStored(String kind) throws Exception {
        open(kind);
        ledger(1_000, 500);
        store.hold();
        List<GenerationRecord> good = new ArrayList<>();
        GenerationRecord first = row(T, "k", 1);
        admitAndRecord(first);
        good.add(first);
        store.awaitFirstWrite();
        GenerationRecord bad = refused(T + 100);
        GenerationRecord big = oversized(T + 200);
        for (int i = 1; i < 300; i++) {
            GenerationRecord g = i == 100 ? bad : i == 200 ? big : row(T + i, "k", 1_000 + i);
            admitAndRecord(g);
            if (g != bad) {
                good.add(g);
            }
        }

        long start = System.nanoTime();
        store.open();
        awaitTrue("every slot is free", () -> ledger.used() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no backoff for a refused row")
                .isLessThan(Duration.ofSeconds(5));

        assertThat(requestsStored()).isEqualTo(299);
        assertThat(store.key("k").orElseThrow().usagePico()).as("every stored row's cost, not the refused one's")
                .isEqualTo(good.stream().mapToLong(GenerationRecord::costPico).sum());
        assertThat(store.generation(bad.id())).isEmpty();
        GenerationRecord stored = store.generation(big.id()).orElseThrow();
        assertThat(stored.externalUser()).hasSize(500).startsWith("hostile-user-uuu");
        assertThat(stored.upstreamId()).hasSize(200);
        assertThat(stored.finishReason()).hasSize(40);
        assertThat(ledger.unwritten(bad.id())).isEmpty();

        assertThat(setAsideIds()).containsExactly(bad.id());
        assertThat(ledger.setAside()).isEqualTo(1);
        assertThat(store.batchSizes).as("the refused batch was split").hasSizeGreaterThan(3);
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("set aside"))
                .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains(bad.id()));
        assertNoLogNamesUserValues();

        assertThat(ledger.tryAdmit()).as("the ledger takes new requests").isTrue();
        ledger.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void drainsTheQueueWhenTheDatabaseTakesWritesAgain(String kind) throws Exception {
        open(kind);
        ledger(1_000, 16);
        // the ledger's table is gone for a while: every write fails with an error that is not about the data
        sql("ALTER TABLE generations RENAME TO generations_away");
        long cost = 0;
        List<GenerationRecord> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            GenerationRecord g = i == 7 ? oversized(T + i) : row(T + i, "k", 1_000 + i);
            admitAndRecord(g);
            rows.add(g);
            cost += g.costPico();
        }
        awaitTrue("the writer has failed three times", () -> store.batchSizes.size() >= 3);
        assertThat(ledger.used()).as("nothing given up while the database fails").isEqualTo(40);
        assertThat(ledger.setAside()).as("a failing database is not a refused row").isZero();

        sql("ALTER TABLE generations_away RENAME TO generations");
        awaitTrue("the queue drains", () -> ledger.used() == 0);

        assertThat(requestsStored()).isEqualTo(40);
        assertThat(store.key("k").orElseThrow().usagePico()).isEqualTo(cost);
        assertThat(rows).allSatisfy(g -> assertThat(store.generation(g.id())).isPresent());
        assertThat(setAsideIds()).isEmpty();
        assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("retrying")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("VALUES"));
        assertNoLogNamesUserValues();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void closeStoresEveryRowAroundARefusedOne(String kind) throws Exception {
        open(kind);
        ledger(1_000, 100);
        store.hold();
        admitAndRecord(row(T, "k", 1));
        store.awaitFirstWrite();
        GenerationRecord bad = refused(T + 1);
        for (int i = 1; i < 50; i++) {
            admitAndRecord(i == 25 ? bad : row(T + i, "k", 1));
        }

        CompletableFuture<Void> closing = CompletableFuture.runAsync(ledger::close);
        store.open();
        closing.get(15, TimeUnit.SECONDS);

        assertThat(requestsStored()).isEqualTo(49);
        assertThat(setAsideIds()).containsExactly(bad.id());
        assertThat(ledger.used()).isZero();
    }

    // docs/operations.md "Failure behaviour: crashes and database outages": a stop while the database is down
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void closeGivesUpAfterItsDeadlineWhenTheDatabaseStaysDown(String kind) throws Exception {
        open(kind);
        ledger = new UsageLedger(store, 1_000, 16, Duration.ofMillis(20), Duration.ofMillis(500));
        sql("ALTER TABLE generations RENAME TO generations_away");
        for (int i = 0; i < 40; i++) {
            admitAndRecord(row(T + i, "k", 1_000 + i));
        }
        awaitTrue("the writer has failed", () -> store.batchSizes.size() >= 2);

        long started = System.nanoTime();
        CompletableFuture.runAsync(ledger::close).get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the stop ends").isLessThan(Duration.ofSeconds(5));
        assertThat(ledger.tryAdmit()).isFalse();
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains("the database took no ledger write within 500 ms of the stop: 40 ledger rows (their generations "
                        + "and their cost in the keys' stored usage) are lost");
        sql("ALTER TABLE generations_away RENAME TO generations");
        ledger = null; // closed
    }
}
