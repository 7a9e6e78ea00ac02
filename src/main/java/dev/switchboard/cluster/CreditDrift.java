package dev.switchboard.cluster;

import io.lettuce.core.api.async.RedisAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The periodic check that the credit counters in Redis agree with the ledger, which is the truth:
 * each disagreement is logged (the first key) and counted ({@code switchboard_credits_drift_keys}).
 */
final class CreditDrift {
    private static final Logger log = LoggerFactory.getLogger(CreditDrift.class);
    private static final long WAIT_MS = 30_000;

    private final Redis redis;
    private final RedisHealth health;
    private final RedisCreditBook.LedgerReader ledger;
    private final Duration ledgerWindow;
    private final UnaryOperator<String> accountKey;
    private final String marker;
    private volatile int driftingKeys;

    /** {@code accountKey}: the Redis key of a key hash's account; {@code marker}: set while the counters are loaded. */
    CreditDrift(Redis redis, RedisHealth health, RedisCreditBook.LedgerReader ledger, Duration ledgerWindow,
                UnaryOperator<String> accountKey, String marker) {
        this.redis = redis;
        this.health = health;
        this.ledger = ledger;
        this.ledgerWindow = ledgerWindow;
        this.accountKey = accountKey;
        this.marker = marker;
    }

    /** Keys whose Redis total disagreed with the ledger at the last check. */
    int driftingKeys() {
        return driftingKeys;
    }

    void checkQuietly() {
        try {
            check();
        } catch (Exception e) {
            log.debug("credit drift check skipped: {}", e.toString());
        }
    }

    /**
     * Compares every key's Redis total with the store's: Redis is read, then the store after the
     * ledger window (so it holds every cost Redis had counted), then Redis again (which has counted
     * every cost the store holds). A stored total outside the two readings is drift. Blocks.
     */
    List<String> check() throws Exception {
        if (!health.up() || redis.commands().exists(marker).get(WAIT_MS, TimeUnit.MILLISECONDS) == 0) {
            return List.of(); // nothing to compare: the outage's reconciliation or the next rebuild puts it right
        }
        List<String> hashes = List.copyOf(ledger.storedTotals().keySet());
        Map<String, Long> before = redisTotals(hashes);
        Thread.sleep(ledgerWindow.toMillis());
        Map<String, Long> stored = ledger.storedTotals();
        Map<String, Long> after = redisTotals(hashes);
        List<String> drifting = new ArrayList<>();
        for (String hash : hashes) {
            Long ledgerTotal = stored.get(hash);
            if (ledgerTotal != null && (ledgerTotal < before.get(hash) || ledgerTotal > after.get(hash))) {
                drifting.add(hash);
                if (drifting.size() == 1) {
                    log.warn("credit counters differ from the ledger: key {} has {} pico-dollars in the store and {} to {}"
                                    + " in Redis (further keys counted in switchboard_credits_drift_keys)",
                            hash, ledgerTotal, before.get(hash), after.get(hash));
                }
            }
        }
        driftingKeys = drifting.size();
        return drifting;
    }

    private Map<String, Long> redisTotals(List<String> hashes) throws Exception {
        RedisAsyncCommands<String, String> commands = redis.commands();
        List<CompletableFuture<String>> reads = new ArrayList<>(hashes.size());
        for (String hash : hashes) {
            reads.add(commands.hget(accountKey.apply(hash), "total").toCompletableFuture());
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(WAIT_MS, TimeUnit.MILLISECONDS);
        Map<String, Long> totals = new HashMap<>();
        for (int i = 0; i < hashes.size(); i++) {
            String total = reads.get(i).join();
            totals.put(hashes.get(i), total == null ? 0L : Long.parseLong(total));
        }
        return totals;
    }
}
