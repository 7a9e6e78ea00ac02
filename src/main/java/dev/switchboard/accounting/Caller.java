package dev.switchboard.accounting;

import dev.switchboard.store.KeyRecord;

/**
 * Who is calling: an inference key, the anonymous account of an open gateway ({@code key} null),
 * or the admin (only on routes that admit it: usage reports, never inference).
 */
public record Caller(KeyRecord key, boolean admin) {
    public static final Caller ANONYMOUS = new Caller(null, false);
    public static final Caller ADMIN = new Caller(null, true);
    public static final String ANONYMOUS_HASH = "anonymous";

    public Caller(KeyRecord key) {
        this(key, false);
    }

    public boolean anonymous() {
        return key == null && !admin;
    }

    /** The ledger's key column: the key's hash, or {@value #ANONYMOUS_HASH}. */
    public String keyHash() {
        return key == null ? ANONYMOUS_HASH : key.hash();
    }
}
