package dev.switchboard.store;

/** The store failed (connection lost, constraint violated, disk full); the message says which operation. */
public final class StoreException extends RuntimeException {
    private final String sqlState;
    private final boolean dataRefused;

    public StoreException(String message, Throwable cause) {
        this(message, cause, null, false);
    }

    /**
     * @param sqlState    the database's SQLState (SQLite: its result code's name), or null when there is none
     * @param dataRefused the database refused the values written (SQLState class 22 or 23, or the
     *                    same from SQLite): writing the same rows again cannot succeed
     */
    public StoreException(String message, Throwable cause, String sqlState, boolean dataRefused) {
        super(message, cause);
        this.sqlState = sqlState;
        this.dataRefused = dataRefused;
    }

    /** The database's SQLState (e.g. {@code 22001}: a value too long; SQLite: {@code SQLITE_CONSTRAINT_NOTNULL}), or null. */
    public String sqlState() {
        return sqlState;
    }

    /** True when the values were refused (no retry can help); false when the store itself failed. */
    public boolean dataRefused() {
        return dataRefused;
    }
}
