package dev.switchboard.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the store named by {@code storage.database}: {@code sqlite:PATH} (created on first use)
 * or {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME]}, and brings its schema up
 * to date with Flyway.
 */
public final class Stores {
    /** How long a store call waits for a connection when none can be made (the database is down). */
    static final long CONNECTION_TIMEOUT_MS = 5_000;

    private Stores() {
    }

    public static Store open(String url) {
        if (url.startsWith("sqlite:")) {
            return sqlite(Path.of(url.substring("sqlite:".length())));
        }
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            return postgres(url);
        }
        throw new IllegalArgumentException("storage.database: expected sqlite:PATH or postgresql://... (got \"" + url + "\")");
    }

    private static Store sqlite(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("switchboard-sqlite");
        config.setJdbcUrl("jdbc:sqlite:" + file);
        // WAL lets readers run beside the one writer; waits instead of failing on a busy database
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "NORMAL");
        config.addDataSourceProperty("busy_timeout", "10000");
        config.setMaximumPoolSize(4);
        HikariDataSource dataSource = new HikariDataSource(config);
        migrate(dataSource, "sqlite", null);
        return new SqliteStore(dataSource);
    }

    private static Store postgres(String url) {
        Postgres target = Postgres.of(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName("switchboard-postgresql");
        config.setJdbcUrl(target.jdbcUrl());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(8);
        // Hikari waits 30 s by default for a connection: with the database down, an admin call would hang that
        // long before its 503, and each ledger retry as long; fail within 5 s (DatabaseOutageTest)
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        // a connection that dies without being closed (a network partition) must not stall the ledger writer for ever:
        // no statement of ours takes a minute, so a read silent that long fails and the writer retries on a new one
        config.addDataSourceProperty("socketTimeout", "60");
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource dataSource = new HikariDataSource(config);
        migrate(dataSource, "postgresql", target.schema());
        return new PostgresStore(dataSource);
    }

    /** A {@code postgresql://} URL taken apart; {@code schema}, {@code user} and {@code password} may be null. */
    private record Postgres(String host, int port, String database, String schema, String user, String password) {
        static Postgres of(String url) {
            URI uri = URI.create(url.replaceFirst("^postgres(ql)?://", "postgresql://"));
            String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            String user = null;
            String password = null;
            if (uri.getUserInfo() != null) {
                String[] parts = uri.getUserInfo().split(":", 2);
                user = decode(parts[0]);
                password = parts.length > 1 ? decode(parts[1]) : null;
            }
            return new Postgres(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database,
                    queryParameter(uri, "schema"), user, password);
        }

        String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database
                    + (schema == null ? "" : "?currentSchema=" + schema);
        }
    }

    /**
     * What {@code check-config} says of {@code storage.database}: connects and reads the schema's
     * version, changing nothing (no schema is created or migrated). Fails with {@link StoreException}
     * when the database cannot be reached.
     */
    public static String probe(String url) {
        if (url.startsWith("sqlite:")) {
            Path file = Path.of(url.substring("sqlite:".length()));
            if (!Files.exists(file)) {
                return "SQLite " + file + ": not there yet; created at the first start";
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                return "SQLite " + file + ": " + schemaVersion(c, null);
            } catch (SQLException e) {
                throw new StoreException("cannot open SQLite " + file + ": " + e.getMessage(), e);
            }
        }
        Postgres target = Postgres.of(url);
        String where = "PostgreSQL " + target.host() + ":" + target.port() + "/" + target.database()
                + (target.schema() == null ? "" : " schema " + target.schema());
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
             Statement s = c.createStatement();
             ResultSet version = s.executeQuery("SHOW server_version")) {
            version.next();
            return where + ": server " + version.getString(1) + ", " + schemaVersion(c, target.schema());
        } catch (SQLException e) {
            throw new StoreException("cannot connect to " + where + ": " + e.getMessage(), e);
        }
    }

    /** The version Flyway brought the schema to, or a note that it has no tables yet. */
    private static String schemaVersion(Connection c, String schema) {
        String table = (schema == null ? "" : "\"" + schema.replace("\"", "\"\"") + "\".") + "flyway_schema_history";
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version FROM " + table + " WHERE success AND version IS NOT NULL "
                     + "ORDER BY installed_rank DESC LIMIT 1")) {
            return r.next() ? "schema at version " + r.getString(1) : "no schema yet; created at the first start";
        } catch (SQLException e) {
            return "no schema yet; created at the first start";
        }
    }

    /**
     * The newest migration's version (its file {@code V<n>__…sql}, the same for both dialects). A schema
     * already there is not handed to Flyway, whose scan and validation cost a start about half a second;
     * {@code StoresTest} keeps this in step with the files.
     */
    static final int LATEST_SCHEMA = 7;

    private static void migrate(HikariDataSource dataSource, String dialect, String schema) {
        if (upToDate(dataSource, schema)) {
            return;
        }
        try {
            var flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration/" + dialect);
            if (schema != null) {
                flyway.schemas(schema).defaultSchema(schema).createSchemas(true);
            }
            flyway.load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot prepare the " + dialect + " schema: " + e.getMessage(), e);
        }
    }

    /** True when the schema's last successful migration is {@link #LATEST_SCHEMA}; any doubt says false. */
    private static boolean upToDate(HikariDataSource dataSource, String schema) {
        String table = (schema == null ? "" : "\"" + schema.replace("\"", "\"\"") + "\".") + "flyway_schema_history";
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version FROM " + table + " WHERE success AND version IS NOT NULL "
                     + "ORDER BY installed_rank DESC LIMIT 1")) {
            return r.next() && String.valueOf(LATEST_SCHEMA).equals(r.getString(1));
        } catch (SQLException e) {
            return false; // no history table yet: Flyway creates everything
        }
    }

    private static String queryParameter(URI uri, String name) {
        if (uri.getRawQuery() == null) {
            return null;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name) && kv.length == 2) {
                return decode(kv[1]);
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
