package dev.switchboard.cluster;

import dev.switchboard.accounting.CreditBook.Balance;
import dev.switchboard.accounting.CreditBook.InsufficientCredits;
import dev.switchboard.accounting.CreditBook.Reservation;
import dev.switchboard.config.SwitchboardConfig.RedisDown;
import dev.switchboard.store.KeyRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several nodes (books on connections of their own) sharing one Redis: the limits hold across them. */
@Timeout(120)
class SharedCreditsTest {
    private static final String PREFIX = TestRedis.uniquePrefix("shared");
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A node's book: its own Redis connection under the cluster's {@code namespace}. */
    private RedisCreditBook node(String namespace, RedisCreditBook.LedgerReader ledger, Duration ttl) {
        Redis redis = Redis.connect(TestRedis.URI, PREFIX + namespace + ":");
        RedisCreditBook book = new RedisCreditBook(redis, new RedisHealth(redis, "test"), ledger,
                RedisCreditBookTest.settings(ttl, RedisDown.REFUSE, 1), Clock.systemUTC());
        opened.add(redis);
        opened.add(book);
        return book;
    }

    private static KeyRecord key(String hash, Long limitPico) {
        return new KeyRecord(hash, hash, "sk-sb-v1-abc…f12", KeyRecord.Role.INFERENCE, limitPico, null, null, null,
                null, false, 0, 1, 1);
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        opened.clear();
    }

    @AfterAll
    static void deleteKeys() {
        TestRedis.deleteAll(PREFIX);
    }

    @Test
    void twoNodesNeverSpendPastALimitTogether() throws Exception {
        long limit = 200_000;
        List<RedisCreditBook> nodes = List.of(node("limit", RedisCreditBookTest.EMPTY_LEDGER, Duration.ofMinutes(5)),
                node("limit", RedisCreditBookTest.EMPTY_LEDGER, Duration.ofMinutes(5)));
        KeyRecord k = key("shared", limit);
        AtomicLong settled = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                RedisCreditBook book = nodes.get(t % 2);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 120; i++) {
                        long amount = 1 + ThreadLocalRandom.current().nextInt(500);
                        try {
                            Reservation r = book.reserve(k, amount, now()).join();
                            // the worst case: every request costs all it reserved
                            book.settle(r, amount, now()).join();
                            settled.addAndGet(amount);
                        } catch (CompletionException e) {
                            assertThat(e.getCause()).isInstanceOf(InsufficientCredits.class);
                            refusals.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        Balance seenByA = nodes.get(0).balance(k, now()).join();
        assertThat(refusals.get()).as("the limit was reached").isPositive();
        assertThat(seenByA.usagePico()).as("no overspend").isEqualTo(settled.get()).isLessThanOrEqualTo(limit);
        assertThat(seenByA.reservedPico()).isZero();
        assertThat(nodes.get(1).balance(k, now()).join()).isEqualTo(seenByA);
    }

    @Test
    void dropsTheReservationOfANodeThatStoppedAfterItsTtl() throws Exception {
        RedisCreditBook dying = node("ttl", RedisCreditBookTest.EMPTY_LEDGER, Duration.ofSeconds(1));
        RedisCreditBook survivor = node("ttl", RedisCreditBookTest.EMPTY_LEDGER, Duration.ofSeconds(1));
        KeyRecord k = key("k", 1_000L);
        dying.reserve(k, 900, now()).join();
        dying.close(); // never settles

        assertThatThrownBy(() -> survivor.reserve(k, 500, now()).join()).hasCauseInstanceOf(InsufficientCredits.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Reservation r = null;
        while (r == null && System.nanoTime() < deadline) {
            try {
                r = survivor.reserve(k, 500, now()).join();
            } catch (CompletionException stillHeld) {
                Thread.sleep(100);
            }
        }
        assertThat(r).as("the dead node's reservation expired").isNotNull();
        assertThat(survivor.balance(k, now()).join().reservedPico()).isEqualTo(500);
    }

    @Test
    void keepsTheCountersOfAnotherNodeAndRebuildsThemWhenRedisLostThem() {
        TestLedger ledger = new TestLedger(now()).with("k", 5_000);
        RedisCreditBook first = node("rebuild", ledger, Duration.ofMinutes(5));
        first.load(ledger.snapshot());
        first.charge("k", 100, now()).join();

        // a node starting later finds the counters there: Redis knows more than its snapshot
        RedisCreditBook second = node("rebuild", ledger, Duration.ofMinutes(5));
        second.load(new TestLedger(now()).with("k", 1).snapshot());
        assertThat(second.balance(key("k", null), now()).join().usagePico()).isEqualTo(5_100);

        // Redis restarts empty; the ledger has every cost by then
        TestRedis.deleteAll(PREFIX + "rebuild:");
        ledger.with("k", 5_100).with("other", 7);
        assertThat(second.balance(key("k", null), now()).join().usagePico()).isEqualTo(5_100);
        assertThat(first.balance(key("other", null), now()).join().usagePico()).isEqualTo(7);
    }

    @Test
    void nodesStartingTogetherLoadTheLedgerExactlyOnce() {
        List<RedisCreditBook> nodes = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            nodes.add(node("start", new TestLedger(now()).with("k", i * 1_000L), Duration.ofMinutes(5)));
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (RedisCreditBook book : nodes) {
            TestLedger own = new TestLedger(now()).with("k", (nodes.indexOf(book) + 1) * 1_000L);
            starts.add(CompletableFuture.runAsync(() -> book.load(own.snapshot())));
        }
        starts.forEach(CompletableFuture::join);
        nodes.getFirst().charge("k", 1, now()).join();

        Set<Long> seen = new HashSet<>();
        for (RedisCreditBook book : nodes) {
            seen.add(book.balance(key("k", null), now()).join().usagePico());
        }
        assertThat(seen).hasSize(1);
        assertThat(seen.iterator().next() - 1).isIn(1_000L, 2_000L, 3_000L, 4_000L, 5_000L, 6_000L);
    }

    @Test
    void reportsAKeyWhoseCountersDriftFromTheLedger() throws Exception {
        TestLedger ledger = new TestLedger(now()).with("k", 1_000).with("j", 500);
        RedisCreditBook book = node("drift", ledger, Duration.ofMinutes(5));
        book.load(ledger.snapshot());
        assertThat(book.checkDrift()).isEmpty();

        book.charge("k", 50, now()).join();
        assertThat(book.checkDrift()).as("Redis counted a cost the ledger never got").containsExactly("k");
        assertThat(book.driftingKeys()).isEqualTo(1);

        ledger.with("k", 1_050).with("j", 600);
        assertThat(book.checkDrift()).as("the ledger holds a cost Redis lost").containsExactly("j");

        ledger.with("j", 500);
        assertThat(book.checkDrift()).isEmpty();
        assertThat(book.driftingKeys()).isZero();
    }
}
