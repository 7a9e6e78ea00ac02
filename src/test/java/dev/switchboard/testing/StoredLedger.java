package dev.switchboard.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * What a test store holds for one key, read straight from the database (bypassing any proxy and any
 * gateway): its ledger rows' ids, their cost summed, and the key's stored usage.
 */
public final class StoredLedger {
    private StoredLedger() {
    }

    public static Set<String> ids(String url, String keyHash) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = connect(url);
             PreparedStatement s = c.prepareStatement("SELECT id FROM generations WHERE key_hash = ?")) {
            s.setString(1, keyHash);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    /** The rows' costs added up, in pico-dollars. */
    public static long costSum(String url, String keyHash) throws SQLException {
        return single(url, "SELECT COALESCE(SUM(cost_pico), 0) FROM generations WHERE key_hash = ?", keyHash);
    }

    /** The key's {@code usage_pico} as stored. */
    public static long keyUsage(String url, String keyHash) throws SQLException {
        return single(url, "SELECT usage_pico FROM api_keys WHERE hash = ?", keyHash);
    }

    private static long single(String url, String sql, String keyHash) throws SQLException {
        try (Connection c = connect(url); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, keyHash);
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    throw new AssertionError("no result for " + sql);
                }
                return rows.getLong(1);
            }
        }
    }

    /** A connection to a test store URL: a SQLite file, or the schema of a {@link TestStores#postgresUrl()}. */
    private static Connection connect(String url) throws SQLException {
        if (url.startsWith("sqlite:")) {
            return DriverManager.getConnection("jdbc:" + url);
        }
        String schema = url.substring(url.indexOf("?schema=") + "?schema=".length());
        return DriverManager.getConnection(TestStores.POSTGRES_JDBC + "?currentSchema=" + schema, "postgres", "");
    }
}
