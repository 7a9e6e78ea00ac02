package dev.switchboard.cluster;

import dev.switchboard.accounting.AccountingUnavailable;
import dev.switchboard.accounting.CreditBook.InsufficientCredits;
import dev.switchboard.accounting.CreditBook.Reservation;
import dev.switchboard.accounting.RateLimiter;
import dev.switchboard.config.SwitchboardConfig.RedisDown;
import dev.switchboard.store.KeyRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a node does while its Redis is gone, against a redis-server of the test's own that it kills
 * (SIGKILL), pauses and starts again; the machine's Redis is never touched.
 */
@Timeout(120)
class RedisDownTest {
    private static final KeyRecord LIMITED = new KeyRecord("k", "k", "sk-sb-v1-abc…f12", KeyRecord.Role.INFERENCE,
            1_000L, null, null, null, null, false, 0, 1, 1);

    private PrivateRedis server;
    private Redis redis;
    private RedisHealth health;
    private RedisCreditBook book;
    private RedisRateLimiter limiter;
    private TestLedger ledger;

    @BeforeEach
    void startRedis() throws Exception {
        server = new PrivateRedis();
    }

    private void node(RedisDown whenDown, int nodes) {
        redis = Redis.connect(server.uri(), "sb:");
        health = new RedisHealth(redis, "test");
        ledger = new TestLedger(System.currentTimeMillis()).with("k", 200);
        book = new RedisCreditBook(redis, health, ledger, RedisCreditBookTest.settings(Duration.ofMinutes(5), whenDown, nodes),
                Clock.systemUTC());
        limiter = new RedisRateLimiter(redis, health, whenDown, nodes);
        book.load(ledger.snapshot());
    }

    @AfterEach
    void stop() throws Exception {
        if (book != null) {
            book.close();
        }
        if (redis != null) {
            redis.close();
        }
        server.close();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void refusesWhileRedisIsDownThenRebuildsItsCountersFromTheLedger() throws Exception {
        node(RedisDown.REFUSE, 1);
        Reservation inFlight = book.reserve(LIMITED, 300, now()).join();

        server.kill();

        assertThatThrownBy(() -> book.reserve(LIMITED, 1, now()).join()).hasCauseInstanceOf(AccountingUnavailable.class);
        assertThat(health.up()).isFalse();
        assertThatThrownBy(() -> limiter.acquire("k", 10, null, 0, now()).join())
                .hasCauseInstanceOf(AccountingUnavailable.class);
        assertThat(limiter.acquire("k", null, null, 0, now()).join()).as("a key without limits needs no Redis")
                .isInstanceOf(RateLimiter.Allowed.class);
        book.settle(inFlight, 250, now()).join(); // kept for later, not an error
        assertThat(health.failures()).isPositive();

        // Redis comes back empty; the ledger has the settled cost
        ledger.with("k", 450);
        server.start();
        await(health::up, "Redis is used again once it answers");

        assertThat(book.balance(LIMITED, now()).join()).extracting(b -> b.usagePico(), b -> b.reservedPico())
                .containsExactly(450L, 0L);
        assertThat(limiter.acquire("k", 10, null, 0, now()).join()).isInstanceOf(RateLimiter.Allowed.class);
    }

    @Test
    void continuesOnItsShareOfEachLimitWhileRedisIsDown() throws Exception {
        node(RedisDown.LOCAL, 2);

        server.kill();

        // (1,000 limit − 200 used) / 2 nodes
        Reservation local = book.reserve(LIMITED, 400, now()).join();
        assertThat(health.up()).isFalse();
        assertThatThrownBy(() -> book.reserve(LIMITED, 1, now()).join()).hasCauseInstanceOf(InsufficientCredits.class);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire("k", 10, null, 0, now()).join()).as("request %d", i)
                    .isInstanceOf(RateLimiter.Allowed.class);
        }
        assertThat(limiter.acquire("k", 10, null, 0, now()).join()).as("half of 10 per minute")
                .isInstanceOf(RateLimiter.Limited.class);
        book.settle(local, 100, now()).join();

        ledger.with("k", 300);
        server.start();
        await(health::up, "Redis is used again once it answers");

        assertThat(book.balance(LIMITED, now()).join().remainingPico()).as("the whole limit again, less the ledger's usage")
                .isEqualTo(700);
        assertThat(limiter.acquire("k", 10, null, 0, now()).join()).isInstanceOf(RateLimiter.Allowed.class);
    }

    @Test
    void addsCostsSettledDuringAnOutageWhenRedisKeptItsCounters() throws Exception {
        node(RedisDown.REFUSE, 1);
        book.charge("k", 100, now()).join();

        server.pause(3_000);
        // sent, timed out, yet applied once the pause ends: not added twice
        book.charge("k", 50, now()).get(10, TimeUnit.SECONDS);
        assertThat(health.up()).isFalse();
        book.charge("k", 25, now()).get(10, TimeUnit.SECONDS); // never sent: added when Redis answers

        await(health::up, "Redis answers again after the pause");
        assertThat(book.balance(LIMITED, now()).join().usagePico()).isEqualTo(200 + 100 + 50 + 25);
    }

    @Test
    void refusesOnlyUntilRedisAnswersWhenCommandsTimeOut() throws Exception {
        node(RedisDown.REFUSE, 1);

        server.pause(3_000);
        long start = System.nanoTime();
        assertThatThrownBy(() -> book.reserve(LIMITED, 1, now()).join()).hasCauseInstanceOf(AccountingUnavailable.class);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("bounded by the command timeout")
                .isLessThan(10);
        assertThatThrownBy(() -> book.reserve(LIMITED, 1, now()).join())
                .as("during the outage, refused without waiting on Redis").hasCauseInstanceOf(AccountingUnavailable.class);

        await(health::up, "Redis answers again after the pause");
        assertThat(book.reserve(LIMITED, 800, now()).join().amountPico()).isEqualTo(800);
    }
}
