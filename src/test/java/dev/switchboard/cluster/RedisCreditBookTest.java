package dev.switchboard.cluster;

import dev.switchboard.accounting.CreditBook;
import dev.switchboard.accounting.CreditBookContract;
import dev.switchboard.config.SwitchboardConfig.RedisDown;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shared credit book passes every test the in-memory one passes, against the real Redis. */
class RedisCreditBookTest extends CreditBookContract {
    private static final String PREFIX = TestRedis.uniquePrefix("credits");
    private final List<AutoCloseable> opened = new ArrayList<>();
    private static final java.util.concurrent.atomic.AtomicInteger BOOKS = new java.util.concurrent.atomic.AtomicInteger();

    /** A ledger with nothing in it: what a fresh book loads when it first finds no counters. */
    static final RedisCreditBook.LedgerReader EMPTY_LEDGER = new RedisCreditBook.LedgerReader() {
        @Override
        public CreditBook.UsageSnapshot snapshot() {
            return new CreditBook.UsageSnapshot(Map.of(), Map.of(), Map.of(), Map.of(), 0);
        }

        @Override
        public Map<String, Long> storedTotals() {
            return Map.of();
        }
    };

    static RedisCreditBook.Settings settings(Duration ttl, RedisDown whenDown, int nodes) {
        return new RedisCreditBook.Settings(ttl, whenDown, nodes, Duration.ZERO, Duration.ofMillis(200));
    }

    @Override
    protected CreditBook newBook() {
        // a namespace of its own: a book with no accounts yet
        Redis redis = Redis.connect(TestRedis.URI, PREFIX + BOOKS.incrementAndGet() + ":");
        RedisCreditBook book = new RedisCreditBook(redis, new RedisHealth(redis, "test"), EMPTY_LEDGER,
                settings(Duration.ofMinutes(5), RedisDown.REFUSE, 1), Clock.systemUTC());
        opened.add(redis);
        opened.add(book);
        return book;
    }

    @Override
    protected int concurrentOpsPerThread() {
        return 400;
    }

    @AfterEach
    void closeBooks() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        opened.clear();
    }

    @AfterAll
    static void deleteKeys() {
        TestRedis.deleteAll(PREFIX);
    }
}
