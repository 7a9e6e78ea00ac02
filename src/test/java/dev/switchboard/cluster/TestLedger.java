package dev.switchboard.cluster;

import dev.switchboard.accounting.CreditBook.UsageSnapshot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A ledger the test writes: one total per key (the same in every period), as the store would report it. */
final class TestLedger implements RedisCreditBook.LedgerReader {
    final Map<String, Long> totals = new ConcurrentHashMap<>();
    final long asOfMillis;

    TestLedger(long asOfMillis) {
        this.asOfMillis = asOfMillis;
    }

    TestLedger with(String keyHash, long totalPico) {
        totals.put(keyHash, totalPico);
        return this;
    }

    @Override
    public UsageSnapshot snapshot() {
        Map<String, Long> copy = Map.copyOf(totals);
        return new UsageSnapshot(copy, copy, copy, copy, asOfMillis);
    }

    @Override
    public Map<String, Long> storedTotals() {
        return Map.copyOf(totals);
    }
}
