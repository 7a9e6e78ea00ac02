package dev.switchboard.accounting;

import dev.switchboard.store.ActivityRow;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.switchboard.testing.Generations.at;
import static dev.switchboard.testing.Generations.row;
import static org.assertj.core.api.Assertions.assertThat;

class UsageLedgerTest {
    private static final long T = at("2025-03-10T12:00:00Z");
    private static final long DAY = Math.floorDiv(T, 86_400_000L);

    private String url;
    private FaultyStore store;
    private UsageLedger ledger;

    @BeforeEach
    void openStore() {
        url = TestStores.sqliteUrl();
        store = new FaultyStore(Stores.open(url));
        store.insertKey(new KeyRecord("k", "test", "sk-sb-v1-abc…f12", KeyRecord.Role.INFERENCE, null, null, null,
                null, null, false, 0, 1, 1));
    }

    @AfterEach
    void closeAll() {
        store.open();
        if (ledger != null) {
            ledger.close();
        }
        store.close(); // closing twice is harmless
    }

    private UsageLedger ledger(int capacity, int batchSize) {
        ledger = new UsageLedger(store, capacity, batchSize, Duration.ofMillis(20));
        return ledger;
    }

    /** Admits a request and records its row, as the gateway does. */
    private GenerationRecord admitAndRecord(int i) {
        assertThat(ledger.tryAdmit()).as("admitting request %d", i).isTrue();
        GenerationRecord g = row(T + i, "k", 1_000 + i);
        ledger.record(g);
        return g;
    }

    private static long requestsIn(Store store) {
        return store.activity(DAY, DAY, "k").stream().mapToLong(ActivityRow::requests).sum();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void writesQueuedRowsInBatchesOfAtMostBatchSize() throws InterruptedException {
        ledger(100, 4);
        store.hold();
        List<GenerationRecord> rows = new ArrayList<>();
        rows.add(admitAndRecord(0));
        store.awaitFirstWrite();
        for (int i = 1; i < 10; i++) {
            rows.add(admitAndRecord(i));
        }

        store.open();
        awaitTrue("every row is written", () -> ledger.used() == 0);

        assertThat(store.batchSizes).containsExactly(1, 4, 4, 1);
        assertThat(rows).allSatisfy(g -> assertThat(store.generation(g.id())).contains(g));
        assertThat(store.key("k").orElseThrow().usagePico())
                .isEqualTo(rows.stream().mapToLong(GenerationRecord::costPico).sum());
    }

    @Test
    void findsARowBeforeItIsWritten() throws InterruptedException {
        ledger(100, 10);
        store.hold();
        GenerationRecord g = admitAndRecord(0);
        store.awaitFirstWrite();

        assertThat(ledger.unwritten(g.id())).contains(g);
        assertThat(store.generation(g.id())).isEmpty();

        store.open();
        awaitTrue("the row is written", () -> ledger.unwritten(g.id()).isEmpty());
        assertThat(store.generation(g.id())).contains(g);
        assertThat(ledger.unwritten("gen-1741608000-neverRecordedAtAll00")).isEmpty();
    }

    @Test
    void refusesRequestsWhileEverySlotIsInUse() throws InterruptedException {
        ledger(3, 10);
        assertThat(ledger.capacity()).isEqualTo(3);
        assertThat(ledger.tryAdmit()).isTrue();
        assertThat(ledger.tryAdmit()).isTrue();
        assertThat(ledger.tryAdmit()).isTrue();
        assertThat(ledger.tryAdmit()).as("all three slots taken").isFalse();
        assertThat(ledger.used()).isEqualTo(3);

        ledger.release();
        assertThat(ledger.used()).isEqualTo(2);
        assertThat(ledger.tryAdmit()).as("a request ended without a row").isTrue();
        assertThat(ledger.tryAdmit()).isFalse();
        ledger.release();
        ledger.release();
        ledger.release();
        assertThat(ledger.used()).isZero();

        store.hold();
        admitAndRecord(0);
        admitAndRecord(1);
        admitAndRecord(2);
        assertThat(ledger.tryAdmit()).as("three rows waiting to be written").isFalse();

        store.open();
        awaitTrue("the rows are written", () -> ledger.used() == 0);
        assertThat(ledger.tryAdmit()).isTrue();
        assertThat(ledger.tryAdmit()).isTrue();
        assertThat(ledger.tryAdmit()).isTrue();
        assertThat(ledger.tryAdmit()).isFalse();
    }

    @Test
    void writesEveryQueuedRowOnClose() throws Exception {
        int n = 500;
        ledger(1_000, 50);
        store.hold();
        long cost = 0;
        for (int i = 0; i < n; i++) {
            cost += admitAndRecord(i).costPico();
        }
        store.awaitFirstWrite();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(ledger::close);
        awaitTrue("the ledger refuses new requests", () -> {
            if (ledger.tryAdmit()) {
                ledger.release();
                return false;
            }
            return true;
        });
        assertThat(closing).as("close waits for the queued rows").isNotDone();
        store.open();
        closing.get(10, TimeUnit.SECONDS);
        store.close();

        try (Store reopened = Stores.open(url)) {
            assertThat(requestsIn(reopened)).isEqualTo(n);
            assertThat(reopened.key("k").orElseThrow().usagePico()).isEqualTo(cost);
        }
    }

    @Test
    void writesTheRowOfARequestThatEndsAfterClose() {
        ledger(10, 10);
        assertThat(ledger.tryAdmit()).isTrue();
        ledger.close();
        assertThat(ledger.tryAdmit()).as("closed").isFalse();

        GenerationRecord late = row(T, "k", 5);
        ledger.record(late);

        assertThat(store.generation(late.id())).contains(late);
        assertThat(ledger.used()).isZero();
    }

    @Test
    void retriesFailedWritesUntilEveryRowIsStoredOnce() throws InterruptedException {
        store.failBeforeWriting(3);
        ledger(100, 8);
        long cost = 0;
        for (int i = 0; i < 20; i++) {
            cost += admitAndRecord(i).costPico();
        }

        awaitTrue("every row is written", () -> ledger.used() == 0);

        assertThat(store.batchSizes.size()).as("three failed writes and the ones that worked").isGreaterThan(3);
        assertThat(requestsIn(store)).isEqualTo(20);
        assertThat(store.key("k").orElseThrow().usagePico()).isEqualTo(cost);
    }

    @Test
    void storesEachRowOnceWhenAWriteFailsAfterItsCommit() throws InterruptedException {
        store.failAfterWriting(2);
        ledger(100, 8);
        long cost = 0;
        for (int i = 0; i < 20; i++) {
            cost += admitAndRecord(i).costPico();
        }

        awaitTrue("every row is written", () -> ledger.used() == 0);

        assertThat(requestsIn(store)).isEqualTo(20);
        assertThat(store.key("k").orElseThrow().usagePico()).as("each cost counted once").isEqualTo(cost);
        assertThat(ledger.tryAdmit()).isTrue();
    }
}
