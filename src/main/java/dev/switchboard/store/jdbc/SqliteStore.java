package dev.switchboard.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;

/** The embedded default: one file, WAL journal, old ledger days deleted in bounded chunks. */
final class SqliteStore extends JdbcStore {

    SqliteStore(HikariDataSource dataSource) {
        super(dataSource);
    }

    @Override
    public String kind() {
        return "sqlite";
    }

    @Override
    public long deleteGenerationsBefore(long day) {
        return deleteInChunks("generations", "DELETE FROM generations WHERE rowid IN "
                + "(SELECT rowid FROM generations WHERE day < ? LIMIT " + RETENTION_CHUNK + ")", day);
    }
}
