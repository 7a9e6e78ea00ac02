package dev.switchboard.store.jdbc;

import dev.switchboard.store.Store;
import dev.switchboard.testing.TestStores;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Opening a store migrates what is behind and leaves a current schema to itself. */
class StoresTest {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");

    @Test
    void theLatestSchemaIsTheNewestMigrationOfEachDialect() throws IOException {
        for (String dialect : new String[] {"sqlite", "postgresql"}) {
            try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration", dialect))) {
                int newest = files.map(f -> MIGRATION.matcher(f.getFileName().toString()))
                        .filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
                assertThat(Stores.LATEST_SCHEMA).as(dialect + ": raise Stores.LATEST_SCHEMA with a new migration")
                        .isEqualTo(newest);
            }
        }
    }

    @Test
    void aSchemaBehindIsMigratedToTheLatest() throws SQLException {
        String url = TestStores.sqliteUrl();
        String file = url.substring("sqlite:".length());
        Flyway.configure().dataSource("jdbc:sqlite:" + file, null, null).locations("classpath:db/migration/sqlite")
                .target(String.valueOf(Stores.LATEST_SCHEMA - 1)).load().migrate();
        assertThat(version(file)).isEqualTo(String.valueOf(Stores.LATEST_SCHEMA - 1));
        try (Store store = Stores.open(url)) {
            assertThat(version(file)).isEqualTo(String.valueOf(Stores.LATEST_SCHEMA));
        }
        try (Store again = Stores.open(url)) {
            assertThat(version(file)).as("opened again, nothing to do").isEqualTo(String.valueOf(Stores.LATEST_SCHEMA));
        } finally {
            TestStores.drop(url);
        }
    }

    private static String version(String file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet r = c.createStatement().executeQuery(
                     "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")) {
            return r.next() ? r.getString(1) : null;
        }
    }
}
