package dev.switchboard.accounting;

import dev.switchboard.accounting.RateLimiter.Allowed;
import dev.switchboard.accounting.RateLimiter.Decision;
import dev.switchboard.accounting.RateLimiter.Limited;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every rate limiter must do, in memory or shared between nodes: each implementation's test
 * extends this with a fresh limiter.
 */
public abstract class RateLimiterContract {
    static final long T0 = 1_741_773_600_000L;
    private static final Allowed ALLOWED = new Allowed();

    private SyncLimiter limiter;

    /** A limiter with no buckets yet. */
    protected abstract RateLimiter newLimiter();

    @BeforeEach
    void freshLimiter() {
        limiter = new SyncLimiter(newLimiter());
    }

    /** The limiter's answers, waited for. */
    record SyncLimiter(RateLimiter limiter) {
        Decision acquire(String keyHash, Integer requestsPerMinute, Long tokensPerMinute, long tokens, long nowMillis) {
            return limiter.acquire(keyHash, requestsPerMinute, tokensPerMinute, tokens, nowMillis).join();
        }

        void adjustTokens(String keyHash, Long tokensPerMinute, long delta, long nowMillis) {
            limiter.adjustTokens(keyHash, tokensPerMinute, delta, nowMillis).join();
        }
    }

    private Decision requests(String key, int perMinute, long now) {
        return limiter.acquire(key, perMinute, null, 0, now);
    }

    private Decision tokens(String key, long perMinute, long tokens, long now) {
        return limiter.acquire(key, null, perMinute, tokens, now);
    }

    @Test
    void allowsABurstOfTheRequestsPerMinuteThenLimits() {
        assertThat(requests("k", 3, T0)).isEqualTo(ALLOWED);
        assertThat(requests("k", 3, T0)).isEqualTo(ALLOWED);
        assertThat(requests("k", 3, T0)).isEqualTo(ALLOWED);

        assertThat(requests("k", 3, T0)).isEqualTo(new Limited("requests", 3, 0, T0 + 60_000, 20_000));
    }

    @Test
    void refillsRequestsContinuouslyUpToTheLimit() {
        for (int i = 0; i < 3; i++) {
            requests("k", 3, T0);
        }

        assertThat(requests("k", 3, T0 + 19_999)).isInstanceOf(Limited.class);
        assertThat(requests("k", 3, T0 + 20_000)).isEqualTo(ALLOWED);
        assertThat(requests("k", 3, T0 + 20_000)).isEqualTo(new Limited("requests", 3, 0, T0 + 80_000, 20_000));

        long later = T0 + 10 * 60_000;
        for (int i = 0; i < 3; i++) {
            assertThat(requests("k", 3, later)).as("request %d after a long pause", i).isEqualTo(ALLOWED);
        }
        assertThat(requests("k", 3, later)).as("no more than one minute's worth saved up").isInstanceOf(Limited.class);
    }

    @Test
    void limitsTokensPerMinute() {
        assertThat(tokens("k", 1_000, 600, T0)).isEqualTo(ALLOWED);

        assertThat(tokens("k", 1_000, 500, T0)).isEqualTo(new Limited("tokens", 1_000, 400, T0 + 36_000, 6_000));
        assertThat(tokens("k", 1_000, 500, T0 + 5_999)).isInstanceOf(Limited.class);
        assertThat(tokens("k", 1_000, 500, T0 + 6_000)).isEqualTo(ALLOWED);
        assertThat(tokens("k", 1_000, 1, T0 + 6_000)).isEqualTo(new Limited("tokens", 1_000, 0, T0 + 66_000, 60));
    }

    @Test
    void letsARequestLargerThanTheBucketPassWhenFullAndLeavesADebt() {
        tokens("k", 1_000, 100, T0);

        assertThat(tokens("k", 1_000, 1_500, T0)).isEqualTo(new Limited("tokens", 1_000, 900, T0 + 6_000, 6_000));
        assertThat(tokens("k", 1_000, 1_500, T0 + 6_000)).isEqualTo(ALLOWED);
        // 500 tokens in debt: one token needs 501 tokens of refill
        assertThat(tokens("k", 1_000, 1, T0 + 6_000))
                .isEqualTo(new Limited("tokens", 1_000, 0, T0 + 6_000 + 90_000, 30_060));
    }

    @Test
    void takesNeitherRequestNorTokensWhenEitherLimitIsHit() {
        assertThat(limiter.acquire("k", 2, 1_000L, 900, T0)).isEqualTo(ALLOWED);
        assertThat(limiter.acquire("k", 2, 1_000L, 500, T0)).extracting(d -> ((Limited) d).what()).isEqualTo("tokens");
        assertThat(limiter.acquire("k", 2, 1_000L, 100, T0)).as("the refused request took no request")
                .isEqualTo(ALLOWED);

        assertThat(limiter.acquire("k", 2, 1_000L, 0, T0)).extracting(d -> ((Limited) d).what()).isEqualTo("requests");
        assertThat(limiter.acquire("k", 2, 1_000L, 1, T0)).extracting(d -> ((Limited) d).what()).isEqualTo("requests");
        // the key's request limit is lifted: its token bucket is as the refused requests left it
        assertThat(limiter.acquire("k", null, 1_000L, 1, T0)).isInstanceOf(Limited.class);
    }

    @Test
    void leavesTheTokenBucketAloneForRequestsWithoutTokens() {
        tokens("k", 10, 10, T0);

        assertThat(limiter.acquire("k", 5, 10L, 0, T0)).isEqualTo(ALLOWED);
        assertThat(tokens("k", 10, 1, T0)).isEqualTo(new Limited("tokens", 10, 0, T0 + 60_000, 6_000));
    }

    @Test
    void correctsTakenTokensAfterwards() {
        tokens("k", 1_000, 100, T0);

        limiter.adjustTokens("k", 1_000L, 300, T0);
        assertThat(tokens("k", 1_000, 700, T0)).isEqualTo(new Limited("tokens", 1_000, 600, T0 + 24_000, 6_000));

        limiter.adjustTokens("k", 1_000L, -200, T0);
        assertThat(tokens("k", 1_000, 800, T0)).isEqualTo(ALLOWED);
        assertThat(tokens("k", 1_000, 1, T0)).isInstanceOf(Limited.class);
    }

    @Test
    void givesBackNoMoreThanAFullBucket() {
        tokens("k", 1_000, 1_000, T0);

        limiter.adjustTokens("k", 1_000L, -5_000, T0);

        assertThat(tokens("k", 1_000, 1_000, T0)).isEqualTo(ALLOWED);
        assertThat(tokens("k", 1_000, 1, T0)).isEqualTo(new Limited("tokens", 1_000, 0, T0 + 60_000, 60));
    }

    @Test
    void chargesCorrectionsIntoDebt() {
        tokens("k", 1_000, 1_000, T0);

        limiter.adjustTokens("k", 1_000L, 500, T0);

        assertThat(tokens("k", 1_000, 1, T0)).isEqualTo(new Limited("tokens", 1_000, 0, T0 + 90_000, 30_060));
    }

    @Test
    void allowsEverythingWithoutLimits() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.acquire("k", null, null, 1_000_000, T0)).isEqualTo(ALLOWED);
        }
        limiter.adjustTokens("k", null, 1_000_000, T0);
        tokens("k", 1_000, 1_000, T0);
        limiter.adjustTokens("k", 1_000L, 0, T0);
        assertThat(tokens("k", 1_000, 1, T0)).as("a zero correction changes nothing").isInstanceOf(Limited.class);
    }

    @Test
    void keepsSeparateBucketsPerKey() {
        requests("a", 1, T0);
        tokens("a", 100, 100, T0);

        assertThat(requests("a", 1, T0)).isInstanceOf(Limited.class);
        assertThat(requests("b", 1, T0)).isEqualTo(ALLOWED);
        assertThat(tokens("b", 100, 100, T0)).isEqualTo(ALLOWED);
    }

    @ParameterizedTest(name = "{0} per minute")
    @ValueSource(ints = {1, 2, 3, 7, 13, 60, 599, 1_000, 7_919})
    void letsTheRequestThroughExactlyAfterRetryAfter(int perMinute) {
        for (int i = 0; i < perMinute; i++) {
            assertThat(requests("k", perMinute, T0)).isEqualTo(ALLOWED);
        }
        Limited limited = (Limited) requests("k", perMinute, T0);

        assertThat(limited.resetAtMillis()).isEqualTo(T0 + 60_000);
        assertThat(requests("k", perMinute, T0 + limited.retryAfterMillis() - 1)).isInstanceOf(Limited.class);
        assertThat(requests("k", perMinute, T0 + limited.retryAfterMillis())).isEqualTo(ALLOWED);
    }
}
