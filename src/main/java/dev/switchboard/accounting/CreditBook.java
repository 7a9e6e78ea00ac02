package dev.switchboard.accounting;

import dev.switchboard.store.KeyRecord;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Per-key spending, exact at every moment: a request first reserves its worst-case cost, then
 * settles to its actual cost (or releases the reservation). Reserving checks
 * {@code limit − usage − outstanding reservations} atomically, so no interleaving of concurrent
 * requests can spend past a limit. Amounts are pico-dollars. One node keeps it in memory
 * ({@link LocalCreditBook}); several nodes share one through Redis. Every operation completes a
 * future, so a networked book never blocks its caller; callers continue on their own thread.
 */
public interface CreditBook {

    /**
     * Seeds the book at start with the usage the ledger holds (as of {@code snapshot.asOfMillis()}).
     * A shared book keeps what it already has and takes the snapshot only where it lost its counters.
     */
    void load(UsageSnapshot snapshot);

    /** Reserves {@code amountPico} against the key's limit; fails with {@link InsufficientCredits} with what remains. */
    CompletableFuture<Reservation> reserve(KeyRecord key, long amountPico, long nowMillis);

    /** Charges the actual cost and returns the rest of the reservation. */
    CompletableFuture<Void> settle(Reservation reservation, long actualPico, long nowMillis);

    /** Charges a key that needed no reservation (no limit). */
    CompletableFuture<Void> charge(String keyHash, long actualPico, long nowMillis);

    /** Returns a reservation untouched (the request failed before producing anything). */
    CompletableFuture<Void> release(Reservation reservation);

    CompletableFuture<Balance> balance(KeyRecord key, long nowMillis);

    /** Drops a deleted key's counters. */
    CompletableFuture<Void> forget(String keyHash);

    /** A held amount, known by {@code id}; settle or release it exactly once. */
    record Reservation(String keyHash, long amountPico, String id) {
    }

    /** What the ledger holds: total usage per key and the sums since the current day, week and month began. */
    record UsageSnapshot(Map<String, Long> totals, Map<String, Long> daily, Map<String, Long> weekly,
                         Map<String, Long> monthly, long asOfMillis) {
    }

    /**
     * What a key has spent: in total and in the current day, week (from Monday) and month, UTC;
     * what is reserved by requests in flight; and, with a limit, what remains of it.
     */
    record Balance(long usagePico, long dailyPico, long weeklyPico, long monthlyPico, long reservedPico,
                   Long limitPico, Long remainingPico) {
    }

    /** The reservation does not fit; {@code remainingPico} is what the key may still spend. */
    final class InsufficientCredits extends Exception {
        private final long remainingPico;
        private final long requestedPico;

        public InsufficientCredits(long remainingPico, long requestedPico) {
            super("insufficient credits", null, false, false);
            this.remainingPico = remainingPico;
            this.requestedPico = requestedPico;
        }

        public long remainingPico() {
            return remainingPico;
        }

        public long requestedPico() {
            return requestedPico;
        }
    }
}
