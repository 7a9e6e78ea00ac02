package dev.switchboard.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Store URLs for tests: a fresh SQLite file, or a fresh schema in the real PostgreSQL at
 * 127.0.0.1:5432 (database {@code test}, user {@code postgres}, trust auth) that {@link #drop}
 * removes afterwards.
 */
public final class TestStores {
    public static final String POSTGRES_JDBC = "jdbc:postgresql://127.0.0.1:5432/test";

    private TestStores() {
    }

    public static String sqliteUrl() {
        return TestGateway.freshSqliteUrl();
    }

    /** {@code postgresql://postgres@127.0.0.1:5432/test?schema=sb_test_...}, a schema no other run uses. */
    public static String postgresUrl() {
        String schema = "sb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        return "postgresql://postgres@127.0.0.1:5432/test?schema=" + schema;
    }

    /** Both kinds, for tests parameterized over the store: {@code sqlite} and {@code postgresql}. */
    public static String url(String kind) {
        return switch (kind) {
            case "sqlite" -> sqliteUrl();
            case "postgresql" -> postgresUrl();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Drops the schema of a PostgreSQL test URL (SQLite files go with their temporary directory). */
    public static void drop(String url) {
        int at = url.indexOf("?schema=");
        if (!url.startsWith("postgresql://") || at < 0) {
            return;
        }
        String schema = url.substring(at + "?schema=".length());
        try (Connection c = DriverManager.getConnection(POSTGRES_JDBC, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
