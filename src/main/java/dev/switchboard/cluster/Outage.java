package dev.switchboard.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Logs when a shared operation starts failing and when it works again, not each failure: with
 * Redis down, an operation done per request must not write a line per request. Thread-safe.
 */
final class Outage {
    private static final Logger log = LoggerFactory.getLogger(Outage.class);

    private final String what;
    private final String meanwhile;
    private final AtomicBoolean failing = new AtomicBoolean();

    /** {@code what} fails: "{@code what} failed ({cause}); {@code meanwhile}". */
    Outage(String what, String meanwhile) {
        this.what = what;
        this.meanwhile = meanwhile;
    }

    void failed(Throwable cause) {
        if (failing.compareAndSet(false, true)) {
            log.warn("{} failed ({}); {}", what, cause.toString(), meanwhile);
        }
    }

    void succeeded() {
        if (failing.get() && failing.compareAndSet(true, false)) {
            log.info("{} works again", what);
        }
    }

    /** Reports the outcome of one call. */
    void track(Object result, Throwable failure) {
        if (failure != null) {
            failed(failure);
        } else {
            succeeded();
        }
    }
}
