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
        URI uri = URI.create(url.replaceFirst("^postgres(ql)?://", "postgresql://"));
        String schema = queryParameter(uri, "schema");
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        HikariConfig config = new HikariConfig();
        config.setPoolName("switchboard-postgresql");
        config.setJdbcUrl("jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 5432) + "/"
                + database + (schema == null ? "" : "?currentSchema=" + schema));
        if (uri.getUserInfo() != null) {
            String[] user = uri.getUserInfo().split(":", 2);
            config.setUsername(decode(user[0]));
            if (user.length > 1) {
                config.setPassword(decode(user[1]));
            }
        }
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
        migrate(dataSource, "postgresql", schema);
        return new PostgresStore(dataSource);
    }

    private static void migrate(HikariDataSource dataSource, String dialect, String schema) {
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
