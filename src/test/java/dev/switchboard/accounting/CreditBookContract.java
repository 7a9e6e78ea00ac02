package dev.switchboard.accounting;

import dev.switchboard.accounting.CreditBook.Balance;
import dev.switchboard.accounting.CreditBook.InsufficientCredits;
import dev.switchboard.accounting.CreditBook.Reservation;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every credit book must do, whether it keeps its accounts in memory or shares them between
 * nodes: each implementation's test extends this with a fresh book.
 */
public abstract class CreditBookContract {
    /** Wednesday 2025-03-12, 10:00 UTC. */
    static final long NOW = at("2025-03-12T10:00:00Z");

    private CreditBook book;

    /** A book with no accounts yet. */
    protected abstract CreditBook newBook();

    /** Operations per thread in the concurrency test (a networked book may run fewer). */
    protected int concurrentOpsPerThread() {
        return 1_000;
    }

    @BeforeEach
    void freshBook() {
        book = newBook();
    }

    Reservation reserve(KeyRecord key, long amountPico, long nowMillis) throws InsufficientCredits {
        try {
            return book.reserve(key, amountPico, nowMillis).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof InsufficientCredits refused) {
                throw refused;
            }
            throw e;
        }
    }

    Balance balance(KeyRecord key, long nowMillis) {
        return book.balance(key, nowMillis).join();
    }

    void settle(Reservation reservation, long actualPico, long nowMillis) {
        book.settle(reservation, actualPico, nowMillis).join();
    }

    void release(Reservation reservation) {
        book.release(reservation).join();
    }

    void charge(String keyHash, long actualPico, long nowMillis) {
        book.charge(keyHash, actualPico, nowMillis).join();
    }

    void forget(String keyHash) {
        book.forget(keyHash).join();
    }

    void load(Map<String, Long> totals, Map<String, Long> daily, Map<String, Long> weekly, Map<String, Long> monthly,
              long nowMillis) {
        book.load(new CreditBook.UsageSnapshot(totals, daily, weekly, monthly, nowMillis));
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static KeyRecord key(String hash, Long limitPico, LimitReset reset) {
        return new KeyRecord(hash, hash, "sk-sb-v1-abc…f12", KeyRecord.Role.INFERENCE, limitPico, reset, null, null,
                null, false, 0, 1, 1);
    }

    @Test
    void settlesAReservationToItsActualCost() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, null);

        Reservation r = reserve(k, 300, NOW);
        assertThat(r.keyHash()).isEqualTo("k");
        assertThat(r.amountPico()).isEqualTo(300);
        assertThat(balance(k, NOW)).isEqualTo(new Balance(0, 0, 0, 0, 300, 1_000L, 700L));

        settle(r, 120, NOW);
        assertThat(balance(k, NOW)).isEqualTo(new Balance(120, 120, 120, 120, 0, 1_000L, 880L));
    }

    @Test
    void releasesAReservationUntouched() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, null);
        Reservation r = reserve(k, 400, NOW);

        release(r);

        assertThat(balance(k, NOW)).isEqualTo(new Balance(0, 0, 0, 0, 0, 1_000L, 1_000L));
    }

    @Test
    void chargesWithoutAReservation() {
        KeyRecord unlimited = key("k", null, null);

        charge("k", 250, NOW);
        charge("k", 50, NOW);

        assertThat(balance(unlimited, NOW)).isEqualTo(new Balance(300, 300, 300, 300, 0, null, null));
    }

    @Test
    void reservesAnyAmountForAKeyWithoutLimit() throws InsufficientCredits {
        KeyRecord unlimited = key("k", null, null);

        reserve(unlimited, Long.MAX_VALUE / 2, NOW);

        assertThat(balance(unlimited, NOW).reservedPico()).isEqualTo(Long.MAX_VALUE / 2);
        assertThat(balance(unlimited, NOW).remainingPico()).isNull();
    }

    @Test
    void refusesAReservationBeyondLimitLessUsageLessReservations() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, null);
        charge("k", 400, NOW);
        Reservation held = reserve(k, 300, NOW);

        InsufficientCredits refused = catchThrowableOfType(InsufficientCredits.class, () -> reserve(k, 301, NOW));
        assertThat(refused.remainingPico()).isEqualTo(300);
        assertThat(refused.requestedPico()).isEqualTo(301);
        assertThat(balance(k, NOW).reservedPico()).as("a refusal holds nothing").isEqualTo(300);

        reserve(k, 300, NOW);
        assertThat(balance(k, NOW).remainingPico()).isZero();
        assertThat(catchThrowableOfType(InsufficientCredits.class, () -> reserve(k, 1, NOW)).remainingPico())
                .isZero();

        release(held);
        assertThat(balance(k, NOW).remainingPico()).isEqualTo(300);
    }

    @Test
    void reportsNothingRemainingWhenActualCostsOvershotTheLimit() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, null);
        Reservation r = reserve(k, 900, NOW);
        settle(r, 1_200, NOW);

        assertThat(balance(k, NOW)).isEqualTo(new Balance(1_200, 1_200, 1_200, 1_200, 0, 1_000L, 0L));
        assertThat(catchThrowableOfType(InsufficientCredits.class, () -> reserve(k, 1, NOW)).remainingPico())
                .as("never negative").isZero();
    }

    @Test
    void startsADailyLimitOverAtMidnightUtc() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, LimitReset.DAILY);
        long lastMoment = at("2025-03-12T23:59:59.999Z");
        charge("k", 900, at("2025-03-12T00:00:00Z"));

        assertThatThrownBy(() -> reserve(k, 200, lastMoment)).isInstanceOf(InsufficientCredits.class);
        reserve(k, 200, lastMoment + 1);

        assertThat(balance(k, lastMoment + 1)).isEqualTo(new Balance(900, 0, 900, 900, 200, 1_000L, 800L));
    }

    @Test
    void startsAWeeklyLimitOverOnMondayUtc() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, LimitReset.WEEKLY);
        long monday = at("2025-03-10T00:00:00Z");
        charge("k", 500, monday);
        charge("k", 400, at("2025-03-16T23:59:59.999Z"));

        assertThatThrownBy(() -> reserve(k, 200, at("2025-03-16T23:59:59.999Z")))
                .isInstanceOf(InsufficientCredits.class);
        reserve(k, 200, at("2025-03-17T00:00:00Z"));

        assertThat(balance(k, at("2025-03-17T00:00:00Z")))
                .isEqualTo(new Balance(900, 0, 0, 900, 200, 1_000L, 800L));
    }

    @Test
    void startsAMonthlyLimitOverOnTheFirstUtc() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, LimitReset.MONTHLY);
        charge("k", 600, at("2025-03-01T00:00:00Z"));
        charge("k", 300, at("2025-03-31T23:59:59.999Z"));

        assertThatThrownBy(() -> reserve(k, 200, at("2025-03-31T23:59:59.999Z")))
                .isInstanceOf(InsufficientCredits.class);
        Reservation april = reserve(k, 200, at("2025-04-01T00:00:00Z"));

        // Monday 31 March and Tuesday 1 April share a week
        assertThat(balance(k, at("2025-04-01T00:00:00Z")))
                .isEqualTo(new Balance(900, 0, 300, 0, 200, 1_000L, 800L));
        settle(april, 150, at("2025-04-01T00:00:00Z"));
        assertThat(balance(k, at("2025-04-02T09:00:00Z")))
                .isEqualTo(new Balance(1_050, 0, 450, 150, 0, 1_000L, 850L));
    }

    @Test
    void keepsAReservationAcrossAPeriodBoundary() throws InsufficientCredits {
        KeyRecord k = key("k", 1_000L, LimitReset.DAILY);
        Reservation r = reserve(k, 700, at("2025-03-12T23:59:59Z"));

        assertThat(balance(k, at("2025-03-13T00:00:01Z")).remainingPico()).isEqualTo(300);

        settle(r, 100, at("2025-03-13T00:00:01Z"));
        assertThat(balance(k, at("2025-03-13T00:00:01Z")))
                .as("the cost counts in the day it settled").isEqualTo(new Balance(100, 100, 100, 100, 0, 1_000L, 900L));
    }

    @Test
    void seedsUsageFromTheStore() throws InsufficientCredits {
        load(Map.of("a", 5_000L, "b", 70L), Map.of("a", 900L), Map.of("a", 2_000L), Map.of("a", 3_000L), NOW);
        KeyRecord daily = key("a", 1_000L, LimitReset.DAILY);
        KeyRecord b = key("b", 100L, null);

        assertThat(balance(daily, NOW)).isEqualTo(new Balance(5_000, 900, 2_000, 3_000, 0, 1_000L, 100L));
        assertThat(catchThrowableOfType(InsufficientCredits.class, () -> reserve(daily, 200, NOW)).remainingPico())
                .isEqualTo(100);
        assertThat(balance(b, NOW)).isEqualTo(new Balance(70, 0, 0, 0, 0, 100L, 30L));

        reserve(daily, 200, at("2025-03-13T00:00:00Z"));
        assertThat(balance(daily, at("2025-03-13T00:00:00Z")))
                .as("loaded daily usage ends with its day").isEqualTo(new Balance(5_000, 0, 2_000, 3_000, 200, 1_000L, 800L));
    }

    @Test
    void forgetsADeletedKey() {
        charge("k", 500, NOW);

        forget("k");

        assertThat(balance(key("k", null, null), NOW).usagePico()).isZero();
    }

    @Test
    void neverSpendsPastTheLimitUnderConcurrentRequests() throws Exception {
        int threads = 32;
        int opsPerThread = concurrentOpsPerThread();
        long limit = 1_000_000;
        KeyRecord k = key("shared", limit, LimitReset.MONTHLY);
        KeyRecord other = key("other", null, null);
        AtomicLong settled = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < opsPerThread; i++) {
                        long amount = 1 + random.nextInt(500);
                        try {
                            Reservation r = reserve(k, amount, NOW);
                            Balance b = balance(k, NOW);
                            assertThat(b.monthlyPico() + b.reservedPico()).isLessThanOrEqualTo(limit);
                            if (i % 10 == 0) {
                                release(r);
                            } else {
                                long actual = amount - random.nextInt((int) amount);
                                settle(r, actual, NOW);
                                settled.addAndGet(actual);
                            }
                        } catch (CreditBook.InsufficientCredits e) {
                            refusals.incrementAndGet();
                            assertThat(e.remainingPico()).isLessThan(amount);
                        }
                        charge("other", 1, NOW);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        Balance end = balance(k, NOW);
        assertThat(refusals.get()).as("the limit was reached").isPositive();
        assertThat(end.usagePico()).isEqualTo(settled.get()).isLessThanOrEqualTo(limit);
        assertThat(end.reservedPico()).isZero();
        assertThat(end.remainingPico()).isEqualTo(limit - settled.get());
        assertThat(balance(other, NOW).usagePico()).isEqualTo((long) threads * opsPerThread);
    }
}
