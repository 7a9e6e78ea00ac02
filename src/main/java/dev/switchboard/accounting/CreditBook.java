package dev.switchboard.accounting;

import dev.switchboard.store.KeyRecord;

/**
 * Per-key spending, exact at every moment: a request first reserves its worst-case cost, then
 * settles to its actual cost (or releases the reservation). Reserving checks
 * {@code limit − usage − outstanding reservations} atomically, so no interleaving of concurrent
 * requests can spend past a limit. Amounts are pico-dollars. One node keeps it in memory
 * ({@link LocalCreditBook}); several nodes share one through Redis.
 */
public interface CreditBook {

    /** Reserves {@code amountPico} against the key's limit, or throws with what remains. */
    Reservation reserve(KeyRecord key, long amountPico, long nowMillis) throws InsufficientCredits;

    /** Charges the actual cost and returns the rest of the reservation. */
    void settle(Reservation reservation, long actualPico, long nowMillis);

    /** Charges a key that needed no reservation (no limit). */
    void charge(String keyHash, long actualPico, long nowMillis);

    /** Returns a reservation untouched (the request failed before producing anything). */
    void release(Reservation reservation);

    Balance balance(KeyRecord key, long nowMillis);

    /** A held amount; settle or release it exactly once. */
    record Reservation(String keyHash, long amountPico) {
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
