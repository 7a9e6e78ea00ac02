package dev.switchboard.store;

import java.util.Objects;

/**
 * An API key as stored: never the secret, only its SHA-256 {@code hash} (the public id) and a
 * display {@code label}. Money is in pico-dollars (10⁻¹² USD); times are epoch milliseconds.
 * Nullable fields are absent settings (no limit, no expiry, no rate limit).
 */
public record KeyRecord(String hash, String name, String label, Role role, Long limitPico, LimitReset limitReset,
                        Long expiresAt, Integer requestsPerMinute, Long tokensPerMinute, boolean disabled,
                        long usagePico, long createdAt, long updatedAt) {

    public enum Role { INFERENCE, ADMIN }

    public KeyRecord {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(role, "role");
    }

    public boolean expired(long nowMillis) {
        return expiresAt != null && expiresAt <= nowMillis;
    }
}
