package dev.switchboard.accounting;

import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credit book of a single node, in memory: one small account per key, changed only under its
 * own lock, so reservations and settlements of concurrent requests cannot interleave. Usage is
 * seeded at start from the store (total usage of each key, and the ledger's sums since the start
 * of the current day, week and month); the ledger persists every settled cost afterwards.
 */
public final class LocalCreditBook implements CreditBook {

    /** Spending of one key; guarded by its own monitor. */
    private static final class Account {
        long total;
        long day;
        long dayStart;
        long week;
        long weekStart;
        long month;
        long monthStart;
        long reserved;

        /** Starts new periods when their boundary has passed. */
        void roll(long now) {
            long d = Periods.start(LimitReset.DAILY, now);
            if (d != dayStart) {
                dayStart = d;
                day = 0;
            }
            long w = Periods.start(LimitReset.WEEKLY, now);
            if (w != weekStart) {
                weekStart = w;
                week = 0;
            }
            long m = Periods.start(LimitReset.MONTHLY, now);
            if (m != monthStart) {
                monthStart = m;
                month = 0;
            }
        }

        void add(long amount) {
            total += amount;
            day += amount;
            week += amount;
            month += amount;
        }

        long usageFor(LimitReset reset) {
            if (reset == null) {
                return total;
            }
            return switch (reset) {
                case DAILY -> day;
                case WEEKLY -> week;
                case MONTHLY -> month;
            };
        }
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();

    @Override
    public void load(UsageSnapshot snapshot) {
        for (Map.Entry<String, Long> e : snapshot.totals().entrySet()) {
            Account a = account(e.getKey(), snapshot.asOfMillis());
            synchronized (a) {
                a.total = e.getValue();
                a.day = snapshot.daily().getOrDefault(e.getKey(), 0L);
                a.week = snapshot.weekly().getOrDefault(e.getKey(), 0L);
                a.month = snapshot.monthly().getOrDefault(e.getKey(), 0L);
            }
        }
    }

    @Override
    public CompletableFuture<Reservation> reserve(KeyRecord key, long amountPico, long nowMillis) {
        Account a = account(key.hash(), nowMillis);
        synchronized (a) {
            a.roll(nowMillis);
            if (key.limitPico() != null) {
                long remaining = key.limitPico() - a.usageFor(key.limitReset()) - a.reserved;
                if (amountPico > remaining) {
                    return CompletableFuture.failedFuture(new InsufficientCredits(Math.max(0, remaining), amountPico));
                }
            }
            a.reserved += amountPico;
        }
        return CompletableFuture.completedFuture(new Reservation(key.hash(), amountPico, null));
    }

    @Override
    public CompletableFuture<Void> settle(Reservation reservation, long actualPico, long nowMillis) {
        Account a = account(reservation.keyHash(), nowMillis);
        synchronized (a) {
            a.roll(nowMillis);
            a.reserved -= reservation.amountPico();
            a.add(actualPico);
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Void> charge(String keyHash, long actualPico, long nowMillis) {
        Account a = account(keyHash, nowMillis);
        synchronized (a) {
            a.roll(nowMillis);
            a.add(actualPico);
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Void> release(Reservation reservation) {
        Account a = accounts.get(reservation.keyHash());
        if (a != null) {
            synchronized (a) {
                a.reserved -= reservation.amountPico();
            }
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Balance> balance(KeyRecord key, long nowMillis) {
        Account a = account(key.hash(), nowMillis);
        synchronized (a) {
            a.roll(nowMillis);
            Long remaining = key.limitPico() == null ? null
                    : Math.max(0, key.limitPico() - a.usageFor(key.limitReset()) - a.reserved);
            return CompletableFuture.completedFuture(
                    new Balance(a.total, a.day, a.week, a.month, a.reserved, key.limitPico(), remaining));
        }
    }

    @Override
    public CompletableFuture<Void> forget(String keyHash) {
        accounts.remove(keyHash);
        return DONE;
    }

    private Account account(String keyHash, long nowMillis) {
        return accounts.computeIfAbsent(keyHash, h -> {
            Account a = new Account();
            a.roll(nowMillis);
            return a;
        });
    }
}
