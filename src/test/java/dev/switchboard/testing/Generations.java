package dev.switchboard.testing;

import dev.switchboard.store.GenerationRecord;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** Ledger rows for store and ledger tests, with ids shaped as the gateway makes them. */
public final class Generations {
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Generations() {
    }

    /** {@code gen-<epoch seconds>-<20 random alphanumerics>}, as {@code gateway.GenerationIds} makes them. */
    public static String id(long createdAtMillis) {
        StringBuilder id = new StringBuilder("gen-").append(Math.floorDiv(createdAtMillis, 1000L)).append('-');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 20; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    /** Epoch milliseconds of an ISO instant such as {@code 2025-03-10T12:00:00Z}. */
    public static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    /** A row with the given accounting values and every optional field filled in. */
    public static GenerationRecord row(long createdAt, String keyHash, String model, String providerId, String app,
                                       long prompt, long completion, long reasoning, long costPico) {
        return new GenerationRecord(id(createdAt), createdAt, keyHash, model, providerId, providerId + " Inc.",
                "chatcmpl-" + createdAt, app, app == null ? null : "https://" + app + ".example", "user-7", prompt,
                completion, 11, 3, reasoning, false, costPico, 420L, 1_250L, true, false, "stop", 1, 1000L, 1000L, null);
    }

    /** A cheap row of a key at a time: one prompt token, one completion token. */
    public static GenerationRecord row(long createdAt, String keyHash, long costPico) {
        return row(createdAt, keyHash, "openai/gpt-4.1", "openai", "app", 1, 1, 0, costPico);
    }
}
