package dev.switchboard.accounting;

/** The in-memory rate limiter of a single node. */
class LocalRateLimiterTest extends RateLimiterContract {
    @Override
    protected RateLimiter newLimiter() {
        return new LocalRateLimiter();
    }
}
