package dev.switchboard.store.jdbc;

import dev.switchboard.store.ActivityRow;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.StoreContract;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.testing.Generations.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class SqliteStoreTest extends StoreContract {

    @Override
    protected String newUrl() {
        return TestStores.sqliteUrl();
    }

    @Override
    protected void drop(String url) {
        Path db = Path.of(url.substring("sqlite:".length()));
        try {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
            }
            Files.deleteIfExists(db.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void isSqlite() {
        assertThat(store.kind()).isEqualTo("sqlite");
    }

    @Test
    void deletesOldDaysInChunksWhenThereAreMoreRowsThanOneChunk() {
        int oldRows = 2 * JdbcStore.RETENTION_CHUNK + 17;
        List<GenerationRecord> rows = new ArrayList<>();
        for (int i = 0; i < oldRows; i++) {
            rows.add(row(startOf(DAY - 1 - i % 3) + i, "k", 1));
        }
        for (int i = 0; i < 25; i++) {
            rows.add(row(startOf(DAY + i % 2) + i, "k", 1));
        }
        for (int from = 0; from < rows.size(); from += 2_000) {
            store.appendGenerations(rows.subList(from, Math.min(rows.size(), from + 2_000)));
        }

        long removed = store.deleteGenerationsBefore(DAY);

        assertThat(removed).isEqualTo(oldRows);
        assertThat(store.activity(DAY - 10, DAY + 10, null))
                .extracting(ActivityRow::day, ActivityRow::requests)
                .containsExactly(tuple(DAY, 13L), tuple(DAY + 1, 12L));
        assertThat(store.deleteGenerationsBefore(DAY)).isZero();
    }
}
