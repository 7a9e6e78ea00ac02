package dev.switchboard.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits (in real time, bounded) for something written in the background: a ledger row, a counter. */
public final class Poll {
    private Poll() {
    }

    /** Calls {@code read} until its answer satisfies {@code done}; fails after {@code within}. */
    public static <T> T until(Supplier<T> read, Predicate<T> done, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still not as expected after " + within.toSeconds() + " s: " + value);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = read.get();
        }
        return value;
    }
}
