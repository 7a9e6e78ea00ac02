package dev.switchboard.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

/** The embedded default: one file, WAL journal, old ledger days deleted in bounded chunks. */
final class SqliteStore extends JdbcStore {

    SqliteStore(HikariDataSource dataSource) {
        super(dataSource);
    }

    @Override
    public String kind() {
        return "sqlite";
    }

    /** SQLite gives no SQLState: a constraint, a value too big or of the wrong type is in its result code. */
    @Override
    protected boolean dataRefused(SQLException e) {
        Throwable x = e;
        for (int depth = 0; x != null && depth < 8; depth++) {
            if (x instanceof SQLiteException sqlite) {
                int primary = sqlite.getResultCode().code & 0xff;
                if (primary == SQLITE_CONSTRAINT || primary == SQLITE_TOOBIG || primary == SQLITE_MISMATCH) {
                    return true;
                }
            }
            x = x instanceof SQLException s && s.getNextException() != null ? s.getNextException() : x.getCause();
        }
        return super.dataRefused(e);
    }

    /** SQLite has no SQLState: its result code's name (SQLITE_CONSTRAINT_NOTNULL) says the same. */
    @Override
    protected String errorCode(SQLException e) {
        return e instanceof SQLiteException sqlite ? sqlite.getResultCode().name() : e.getSQLState();
    }

    private static final int SQLITE_TOOBIG = 18;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_MISMATCH = 20;

    @Override
    public long deleteGenerationsBefore(long day) {
        return deleteInChunks("generations", "DELETE FROM generations WHERE rowid IN "
                + "(SELECT rowid FROM generations WHERE day < ? LIMIT " + RETENTION_CHUNK + ")", day);
    }
}
