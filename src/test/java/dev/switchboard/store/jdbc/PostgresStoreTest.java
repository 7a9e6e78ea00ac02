package dev.switchboard.store.jdbc;

import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreContract;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.testing.Generations.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresStoreTest extends StoreContract {

    @Override
    protected String newUrl() {
        return TestStores.postgresUrl();
    }

    @Override
    protected void drop(String url) {
        TestStores.drop(url);
    }

    @Test
    void takesABoundedRowWhoseRawValuesItWouldRefuse() {
        store.insertKey(new dev.switchboard.store.KeyRecord("k", "t", "sk-sb-v1-abc…f12",
                dev.switchboard.store.KeyRecord.Role.INFERENCE, null, null, null, null, null, false, 0, 1, 1));
        GenerationRecord g = row(startOf(DAY) + 1, "k", 7);
        GenerationRecord raw = new GenerationRecord(g.id(), g.createdAt(), g.keyHash(), g.model(), g.providerId(),
                g.providerName(), "resp_" + "x".repeat(5_000), "app\0name", g.appUrl(), "u".repeat(10_000),
                g.tokensPrompt(), g.tokensCompletion(), g.tokensCached(), g.tokensCacheWrite(), g.tokensReasoning(),
                g.usageEstimated(), g.costPico(), g.latencyMs(), g.generationTimeMs(), g.streamed(), g.cancelled(),
                "f".repeat(100), g.attempts(), g.maxTokensRequested(), g.maxTokens(), g.droppedTools());

        assertThatThrownBy(() -> store.appendGenerations(List.of(raw)))
                .isInstanceOfSatisfying(dev.switchboard.store.StoreException.class, e -> {
                    assertThat(e.dataRefused()).isTrue();
                    assertThat(e.sqlState()).startsWith("22");
                    assertThat(e.getMessage()).doesNotContain("uuuu");
                });

        store.appendGenerations(List.of(raw.bounded()));
        GenerationRecord stored = store.generation(g.id()).orElseThrow();
        assertThat(stored.externalUser()).hasSize(500);
        assertThat(stored.upstreamId()).hasSize(200);
        assertThat(stored.finishReason()).hasSize(40);
        assertThat(stored.app()).isEqualTo("appname");
        assertThat(store.key("k").orElseThrow().usagePico()).isEqualTo(7);
    }

    @Test
    void isPostgresql() {
        assertThat(store.kind()).isEqualTo("postgresql");
    }

    @Test
    void createsOneNamedPartitionPerPreparedDay() throws SQLException {
        store.prepareDays(DAY, DAY + 2);
        store.prepareDays(DAY + 1, DAY + 2);

        assertThat(dailyPartitions(url)).containsExactly("generations_20250310", "generations_20250311",
                "generations_20250312");

        store.appendGenerations(List.of(row(startOf(DAY + 1) + 1, "k", 1), row(startOf(DAY + 5), "k", 1)));
        assertThat(rowsIn("generations_20250311")).isEqualTo(1);
        assertThat(rowsIn("generations_default")).as("no partition for that day yet").isEqualTo(1);
    }

    @Test
    void dropsOldPartitionsAndDeletesOldRowsOfTheDefaultPartition() throws SQLException {
        store.prepareDays(DAY, DAY + 3);
        List<GenerationRecord> old = List.of(row(startOf(DAY - 2), "k", 1), row(startOf(DAY - 1) + 5, "k", 1),
                row(startOf(DAY) + 5, "k", 1), row(startOf(DAY + 2) - 1, "k", 1));
        List<GenerationRecord> kept = List.of(row(startOf(DAY + 2), "k", 1), row(startOf(DAY + 3) + 5, "k", 1),
                row(startOf(DAY + 6) + 5, "k", 1));
        store.appendGenerations(old);
        store.appendGenerations(kept);
        assertThat(rowsIn("generations_default")).isEqualTo(3);

        store.deleteGenerationsBefore(DAY + 2);

        assertThat(dailyPartitions(url)).containsExactly("generations_20250312", "generations_20250313");
        assertThat(rowsIn("generations_default")).as("only the row of a later day").isEqualTo(1);
        assertThat(old).allSatisfy(g -> assertThat(store.generation(g.id())).isEmpty());
        assertThat(kept).allSatisfy(g -> assertThat(store.generation(g.id())).contains(g));
    }

    @Test
    void deletesMoreOldRowsOfTheDefaultPartitionThanOneChunk() throws SQLException {
        List<GenerationRecord> rows = new ArrayList<>();
        for (int i = 0; i < 2 * JdbcStore.RETENTION_CHUNK + 3; i++) {
            rows.add(row(startOf(DAY - 1 - i % 2) + i, "k", 1));
        }
        rows.add(row(startOf(DAY), "k", 1));
        rows.add(row(startOf(DAY) + 1, "k", 1));
        for (int from = 0; from < rows.size(); from += 2_000) {
            store.appendGenerations(rows.subList(from, Math.min(rows.size(), from + 2_000)));
        }

        store.deleteGenerationsBefore(DAY);

        assertThat(rowsIn("generations_default")).isEqualTo(2);
    }

    @Test
    void leavesThePartitionsOfOtherSchemasAlone() throws SQLException {
        String otherUrl = TestStores.postgresUrl();
        try (Store other = Stores.open(otherUrl)) {
            other.prepareDays(DAY - 2, DAY);
            store.prepareDays(DAY - 2, DAY);

            store.deleteGenerationsBefore(DAY);

            assertThat(dailyPartitions(url)).containsExactly("generations_20250310");
            assertThat(dailyPartitions(otherUrl)).containsExactly("generations_20250308", "generations_20250309",
                    "generations_20250310");
        } finally {
            TestStores.drop(otherUrl);
        }
    }

    @Test
    void preparesTheOtherDaysWhenOneDaysRowsAlreadyWaitInTheDefaultPartition() throws SQLException {
        // rows written before their day's partition existed (first start, a failed maintenance run)
        GenerationRecord early = row(startOf(DAY) + 5, "k", 1);
        store.appendGenerations(List.of(early));

        assertThatCode(() -> store.prepareDays(DAY - 1, DAY + 1)).doesNotThrowAnyException();

        assertThat(dailyPartitions(url)).containsExactly("generations_20250309", "generations_20250311");
        assertThat(store.generation(early.id())).contains(early);
        store.deleteGenerationsBefore(DAY + 1);
        assertThat(store.generation(early.id())).isEmpty();
        assertThat(rowsIn("generations_default")).isZero();
    }

    private static String schema(String url) {
        return url.substring(url.indexOf("?schema=") + "?schema=".length());
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestStores.POSTGRES_JDBC, "postgres", "");
    }

    /** The ledger's daily partitions in the schema of {@code url}, by name. */
    private static List<String> dailyPartitions(String url) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT c.relname FROM pg_inherits i "
                + "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                + "JOIN pg_namespace n ON n.oid = p.relnamespace "
                + "WHERE p.relname = 'generations' AND n.nspname = ? AND c.relname ~ '^generations_[0-9]{8}$' "
                + "ORDER BY c.relname")) {
            s.setString(1, schema(url));
            List<String> names = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        }
    }

    private long rowsIn(String table) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM \"" + schema(url) + "\"." + table); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
