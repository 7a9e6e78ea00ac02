package dev.switchboard.accounting;

/**
 * The shared counters (credits, rate limits) cannot be reached, so the request is refused rather
 * than risk spending past a limit. Whatever detected the outage has already logged it once.
 */
public final class AccountingUnavailable extends Exception {
    public AccountingUnavailable(String message) {
        super(message, null, false, false);
    }
}
