package dev.switchboard.cluster;

import dev.switchboard.accounting.AccountingUnavailable;
import dev.switchboard.accounting.CreditBook;
import dev.switchboard.accounting.LocalCreditBook;
import dev.switchboard.accounting.Periods;
import dev.switchboard.config.SwitchboardConfig.RedisDown;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The credit book every node shares, in Redis: each operation is one Lua script, so reservations
 * of any number of nodes cannot interleave past a limit. Reservations carry their own id and an
 * expiry on Redis's clock; one whose node died is dropped by the next script touching its key.
 * PostgreSQL's ledger is the truth: when Redis has lost the counters (the marker key is gone), the
 * first node to notice rebuilds them from a ledger snapshot; {@link CreditDrift} compares them with it.
 * While Redis cannot be reached the book refuses or continues on a local 1/N share
 * ({@link Settings#whenDown()}); costs that could not reach Redis meanwhile are added when it answers.
 */
public final class RedisCreditBook implements CreditBook, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCreditBook.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final LuaScript RESERVE = LuaScript.load("credits-common.lua", "credits-reserve.lua");
    private static final LuaScript SETTLE = LuaScript.load("credits-common.lua", "credits-settle.lua");
    private static final LuaScript CHARGE = LuaScript.load("credits-common.lua", "credits-charge.lua");
    private static final LuaScript RELEASE = LuaScript.load("credits-common.lua", "credits-release.lua");
    private static final LuaScript BALANCE = LuaScript.load("credits-common.lua", "credits-balance.lua");
    private static final LuaScript REBUILD = LuaScript.load("credits-rebuild.lua");

    /** What the store knows, read on the book's own threads (these calls block). */
    public interface LedgerReader {
        /** Every key's usage and the sums of the current periods, as {@code Accounts.usageSnapshot} makes it. */
        UsageSnapshot snapshot();

        /** Every key's total usage as stored (the ledger's rows summed). */
        Map<String, Long> storedTotals();
    }

    /**
     * {@code reservationTtl}: how long a reservation may be held (longer than any request);
     * {@code whenDown} and {@code nodes}: the outage policy and the share each node takes meanwhile;
     * {@code driftEvery}: how often Redis is compared with the ledger (zero: never);
     * {@code ledgerWindow}: how long a settled cost may take to reach the store.
     */
    public record Settings(Duration reservationTtl, RedisDown whenDown, int nodes, Duration driftEvery,
                           Duration ledgerWindow) {
        public Settings {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes: " + nodes + " (expected: >= 1)");
            }
        }
    }

    private final Redis redis;
    private final RedisHealth health;
    private final LedgerReader ledger;
    private final Settings settings;
    private final Clock clock;
    private final String accountPrefix;
    private final String marker;
    private final String ttlMillis;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong reservations = new AtomicLong();
    /** Where Redis keeps the sequence number of this node's last applied cost. */
    private final String nodeKey;
    /** Numbers this node's costs in the order they are written to Redis (guarded by {@link #dispatch}). */
    private long sequence;
    private final Object dispatch = new Object();
    /** Blocking store reads (snapshots, the drift check). */
    private final ScheduledExecutorService worker;
    private final AtomicReference<CompletableFuture<Void>> rebuilding = new AtomicReference<>();
    /** The local share used during an outage (REDIS_DOWN local); null while Redis answers. */
    private final AtomicReference<CompletableFuture<LocalCreditBook>> fallback = new AtomicReference<>();
    /** Costs Redis did not confirm during an outage: added when it answers again, unless it had applied them. */
    private final ConcurrentLinkedQueue<Owed> owed = new ConcurrentLinkedQueue<>();
    private final CreditDrift drift;

    public RedisCreditBook(Redis redis, RedisHealth health, LedgerReader ledger, Settings settings, Clock clock) {
        this.redis = redis;
        this.health = health;
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
        this.accountPrefix = redis.key("credits:");
        this.marker = redis.key("credits:loaded");
        this.nodeKey = redis.key("credits:node:" + node);
        this.ttlMillis = Long.toString(settings.reservationTtl().toMillis());
        this.worker = Executors.newScheduledThreadPool(2, r -> Thread.ofPlatform()
                .name("switchboard-credits").daemon(true).unstarted(r));
        health.register(new RedisHealth.Recovery() {
            @Override
            public CompletableFuture<Void> reconcile() {
                return reconcileAfterOutage();
            }

            @Override
            public void resumed() {
                fallback.set(null);
                chargeOwed(0); // owed since the reconciliation: none was sent
            }
        });
        this.drift = new CreditDrift(redis, health, ledger, settings.ledgerWindow(), hash -> keys(hash)[0], marker);
        long every = settings.driftEvery().toMillis();
        if (every > 0) {
            worker.scheduleWithFixedDelay(drift::checkQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    // ---- the book ----

    /** Loads the counters from {@code snapshot} unless Redis already has them (another node loaded them). */
    @Override
    public void load(UsageSnapshot snapshot) {
        try {
            rebuildFrom(snapshot).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the credit counters into Redis: " + LuaScript.unwrap(e), e);
        }
    }

    @Override
    public CompletableFuture<Reservation> reserve(KeyRecord key, long amountPico, long nowMillis) {
        String id = node + ":" + reservations.incrementAndGet();
        String limit = key.limitPico() == null ? "" : Long.toString(key.limitPico());
        return orWhileDown(() -> this.<List<Object>>run(RESERVE, ScriptOutputType.MULTI, key.hash(),
                        periodStarts(nowMillis, Long.toString(amountPico), limit, counter(key.limitReset()), id, ttlMillis))
                        .thenCompose(reply -> {
                            if ((Long) reply.getFirst() == 1) {
                                return CompletableFuture.completedFuture(new Reservation(key.hash(), amountPico, id));
                            }
                            long remaining = key.limitPico() - Long.parseLong((String) reply.get(1))
                                    - Long.parseLong((String) reply.get(2));
                            return CompletableFuture.failedFuture(new InsufficientCredits(Math.max(0, remaining), amountPico));
                        }),
                local -> local.reserve(perNode(key), amountPico, nowMillis));
    }

    @Override
    public CompletableFuture<Void> settle(Reservation reservation, long actualPico, long nowMillis) {
        if (reservation.id() == null) { // held by the local share during an outage
            CompletableFuture<LocalCreditBook> local = fallback.get();
            if (local != null) {
                local.thenAccept(book -> book.release(reservation));
            }
            return charge(reservation.keyHash(), actualPico, nowMillis);
        }
        if (!health.up()) {
            return owe(reservation.keyHash(), actualPico, 0, nowMillis, true);
        }
        return applyCost(reservation.keyHash(), actualPico, nowMillis, true, seq -> run(SETTLE, ScriptOutputType.INTEGER,
                reservation.keyHash(), periodStarts(nowMillis, reservation.id(), Long.toString(actualPico),
                        Long.toString(seq), ttlMillis)));
    }

    @Override
    public CompletableFuture<Void> charge(String keyHash, long actualPico, long nowMillis) {
        if (!health.up()) {
            return owe(keyHash, actualPico, 0, nowMillis, true);
        }
        return applyCost(keyHash, actualPico, nowMillis, true, seq -> chargeScript(keyHash, actualPico, nowMillis, seq));
    }

    /**
     * Sends a cost numbered in this node's order; one Redis does not confirm is owed with its number,
     * so that after the outage it is added only if Redis had not applied it. {@code newCost}: false when
     * it is an owed cost sent again (the local share has counted it already).
     */
    private CompletableFuture<Void> applyCost(String keyHash, long amountPico, long nowMillis, boolean newCost,
                                              java.util.function.LongFunction<CompletableFuture<Long>> script) {
        long[] sent = new long[1];
        return this.<Long>ifLoaded(() -> {
                    synchronized (dispatch) { // numbers in the order written to the connection
                        sent[0] = ++sequence;
                        return script.apply(sent[0]);
                    }
                })
                .<Void>thenApply(done -> null)
                .exceptionallyCompose(failure -> {
                    health.failed(failure);
                    return owe(keyHash, amountPico, sent[0], nowMillis, newCost);
                });
    }

    private CompletableFuture<Long> chargeScript(String keyHash, long amountPico, long nowMillis, long seq) {
        return run(CHARGE, ScriptOutputType.INTEGER, keyHash,
                periodStarts(nowMillis, Long.toString(amountPico), Long.toString(seq), ttlMillis));
    }

    /** A reservation that cannot be released now is dropped by its expiry. */
    @Override
    public CompletableFuture<Void> release(Reservation reservation) {
        if (reservation.id() == null) {
            CompletableFuture<LocalCreditBook> local = fallback.get();
            return local == null ? CompletableFuture.completedFuture(null)
                    : local.thenCompose(book -> book.release(reservation));
        }
        if (!health.up()) {
            return CompletableFuture.completedFuture(null);
        }
        return this.<Long>ifLoaded(() -> run(RELEASE, ScriptOutputType.INTEGER, reservation.keyHash(), reservation.id()))
                .<Void>thenApply(done -> null)
                .exceptionally(failure -> {
                    health.failed(failure);
                    return null;
                });
    }

    @Override
    public CompletableFuture<Balance> balance(KeyRecord key, long nowMillis) {
        return orWhileDown(() -> this.<List<Object>>run(BALANCE, ScriptOutputType.MULTI, key.hash(), periodStarts(nowMillis))
                        .thenApply(reply -> {
                            long[] v = reply.stream().mapToLong(o -> Long.parseLong((String) o)).toArray();
                            Long remaining = key.limitPico() == null ? null
                                    : Math.max(0, key.limitPico() - v[usageIndex(key.limitReset())] - v[4]);
                            return new Balance(v[0], v[1], v[2], v[3], v[4], key.limitPico(), remaining);
                        }),
                local -> local.balance(perNode(key), nowMillis));
    }

    @Override
    public CompletableFuture<Void> forget(String keyHash) {
        owed.removeIf(o -> o.keyHash().equals(keyHash));
        CompletableFuture<LocalCreditBook> local = fallback.get();
        if (local != null) {
            local.thenAccept(book -> book.forget(keyHash));
        }
        String[] keys = keys(keyHash);
        return redis.commands().del(keys[0], keys[1], keys[2]).toCompletableFuture().thenApply(n -> null);
    }

    /** Keys whose Redis total disagreed with the ledger at the last drift check. */
    public int driftingKeys() {
        return drift.driftingKeys();
    }

    /** Compares Redis with the ledger now (blocks); see {@link CreditDrift#check()}. */
    public List<String> checkDrift() throws Exception {
        return drift.check();
    }

    /** Stops the drift check and the outage probes; the connection stays open (the server closes it). */
    @Override
    public void close() {
        worker.shutdownNow();
        health.close();
    }

    // ---- Redis ----

    /** KEYS of one key's scripts: its account, its held reservations and their amounts, and the marker. */
    private String[] keys(String keyHash) {
        // the hash tag keeps one key's three structures together should Redis ever be a cluster
        String account = accountPrefix + "{" + keyHash + "}";
        return new String[]{account, account + ":held", account + ":amounts", marker, nodeKey};
    }

    private <T> CompletableFuture<T> run(LuaScript script, ScriptOutputType type, String keyHash, String... args) {
        try {
            return script.run(redis.commands(), type, keys(keyHash), args);
        } catch (RuntimeException e) { // rejected at once (not connected)
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs {@code op}; when Redis has lost the counters, rebuilds them from the ledger (once per node) and runs it again. */
    private <T> CompletableFuture<T> ifLoaded(Supplier<CompletableFuture<T>> op) {
        return op.get().exceptionallyCompose(failure -> notLoaded(failure)
                ? rebuild().thenCompose(done -> op.get())
                : CompletableFuture.failedFuture(failure));
    }

    /**
     * Runs {@code op} on Redis; while Redis cannot be reached (or the first time it fails), refuses
     * or runs {@code local} on this node's share, as configured.
     */
    private <T> CompletableFuture<T> orWhileDown(Supplier<CompletableFuture<T>> op,
                                                 Function<LocalCreditBook, CompletableFuture<T>> local) {
        if (!health.up()) {
            return whileDown(local);
        }
        return ifLoaded(op).exceptionallyCompose(failure -> {
            Throwable cause = LuaScript.unwrap(failure);
            if (cause instanceof InsufficientCredits) {
                return CompletableFuture.failedFuture(cause);
            }
            health.failed(cause);
            return whileDown(local);
        });
    }

    private <T> CompletableFuture<T> whileDown(Function<LocalCreditBook, CompletableFuture<T>> local) {
        if (settings.whenDown() == RedisDown.REFUSE) {
            return CompletableFuture.failedFuture(new AccountingUnavailable("Redis cannot be reached"));
        }
        return localShare().thenCompose(local);
    }

    private static boolean notLoaded(Throwable failure) {
        Throwable cause = LuaScript.unwrap(failure);
        return cause.getMessage() != null && cause.getMessage().contains("NOTLOADED");
    }

    /** The caller's day, week and month starts, then {@code more}: every credit script's ARGV. */
    private static String[] periodStarts(long nowMillis, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = Long.toString(Periods.start(LimitReset.DAILY, nowMillis));
        args[1] = Long.toString(Periods.start(LimitReset.WEEKLY, nowMillis));
        args[2] = Long.toString(Periods.start(LimitReset.MONTHLY, nowMillis));
        System.arraycopy(more, 0, args, 3, more.length);
        return args;
    }

    private static String counter(LimitReset reset) {
        return reset == null ? "total" : switch (reset) {
            case DAILY -> "day";
            case WEEKLY -> "week";
            case MONTHLY -> "month";
        };
    }

    private static int usageIndex(LimitReset reset) {
        return reset == null ? 0 : switch (reset) {
            case DAILY -> 1;
            case WEEKLY -> 2;
            case MONTHLY -> 3;
        };
    }

    // ---- the ledger: rebuild, reconciliation, drift ----

    /** Rebuilds the counters from a fresh ledger snapshot; concurrent callers on this node share one rebuild. */
    private CompletableFuture<Void> rebuild() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = rebuilding.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        CompletableFuture.supplyAsync(ledger::snapshot, worker)
                .thenCompose(this::rebuildFrom)
                .whenComplete((loaded, failure) -> {
                    rebuilding.set(null);
                    if (failure != null) {
                        mine.completeExceptionally(failure);
                    } else {
                        mine.complete(null);
                    }
                });
        return mine;
    }

    /** True when this call loaded the counters, false when Redis had them already. */
    private CompletableFuture<Boolean> rebuildFrom(UsageSnapshot snapshot) {
        Set<String> hashes = new LinkedHashSet<>(snapshot.totals().keySet());
        hashes.addAll(snapshot.daily().keySet());
        hashes.addAll(snapshot.weekly().keySet());
        hashes.addAll(snapshot.monthly().keySet());
        List<String> args = new ArrayList<>(List.of(periodStarts(snapshot.asOfMillis())));
        args.addFirst(Long.toString(snapshot.asOfMillis()));
        for (String hash : hashes) {
            args.add(keys(hash)[0]);
            args.add(Long.toString(snapshot.totals().getOrDefault(hash, 0L)));
            args.add(Long.toString(snapshot.daily().getOrDefault(hash, 0L)));
            args.add(Long.toString(snapshot.weekly().getOrDefault(hash, 0L)));
            args.add(Long.toString(snapshot.monthly().getOrDefault(hash, 0L)));
        }
        CompletableFuture<Long> loaded;
        try {
            loaded = REBUILD.run(redis.commands(), ScriptOutputType.INTEGER, new String[]{marker}, args.toArray(String[]::new));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return loaded.thenApply(n -> {
            if (n == 1) {
                log.info("credit counters of {} keys loaded into Redis from the ledger", hashes.size());
            }
            return n == 1;
        });
    }

    /**
     * After an outage: if Redis lost the counters, rebuilds them from the ledger (which holds what was
     * settled meanwhile); otherwise adds the costs that could not reach it.
     */
    /**
     * After an outage (Redis answered a PING on this connection, so every command sent before has been
     * applied or is lost): if Redis lost the counters, rebuilds them from the ledger, which holds what
     * was settled meanwhile; otherwise adds the owed costs Redis had not applied.
     */
    private CompletableFuture<Void> reconcileAfterOutage() {
        return redis.commands().exists(marker).toCompletableFuture().thenCompose(present -> {
            if (present == 0) {
                owed.clear();
                return rebuild();
            }
            return redis.commands().get(nodeKey).toCompletableFuture()
                    .thenCompose(last -> chargeOwed(last == null ? 0 : Long.parseLong(last)));
        });
    }

    /** Adds the owed costs numbered past {@code applied} (or never sent) to Redis; what fails stays owed. */
    private CompletableFuture<Void> chargeOwed(long applied) {
        List<CompletableFuture<Void>> charges = new ArrayList<>();
        for (Owed o; (o = owed.poll()) != null; ) {
            if (o.sequence() != 0 && o.sequence() <= applied) {
                continue; // Redis applied it; only its answer was lost
            }
            Owed cost = o;
            charges.add(applyCost(cost.keyHash(), cost.amountPico(), cost.nowMillis(), false,
                    seq -> chargeScript(cost.keyHash(), cost.amountPico(), cost.nowMillis(), seq)));
        }
        return CompletableFuture.allOf(charges.toArray(CompletableFuture[]::new));
    }

    /** A cost Redis did not confirm; {@code sequence} 0: never sent. */
    private record Owed(String keyHash, long amountPico, long sequence, long nowMillis) {
    }

    private CompletableFuture<Void> owe(String keyHash, long amountPico, long sequence, long nowMillis,
                                        boolean countLocally) {
        owed.add(new Owed(keyHash, amountPico, sequence, nowMillis));
        if (countLocally && settings.whenDown() == RedisDown.LOCAL) {
            return localShare().thenCompose(book -> book.charge(keyHash, amountPico, nowMillis))
                    .exceptionally(failure -> null);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** This node's share of every limit, seeded with its share of what the ledger holds; made once per outage. */
    private CompletableFuture<LocalCreditBook> localShare() {
        CompletableFuture<LocalCreditBook> mine = new CompletableFuture<>();
        CompletableFuture<LocalCreditBook> existing = fallback.compareAndExchange(null, mine);
        if (existing != null) {
            return existing;
        }
        worker.execute(() -> {
            try {
                LocalCreditBook book = new LocalCreditBook();
                book.load(perNode(ledger.snapshot()));
                mine.complete(book);
            } catch (RuntimeException e) {
                fallback.compareAndSet(mine, null);
                log.warn("cannot read usage from the store for local limits while Redis is down: {}", e.toString());
                mine.completeExceptionally(new AccountingUnavailable("neither Redis nor the store can be reached"));
            }
        });
        return mine;
    }

    private KeyRecord perNode(KeyRecord k) {
        return k.limitPico() == null || settings.nodes() == 1 ? k
                : new KeyRecord(k.hash(), k.name(), k.label(), k.role(), k.limitPico() / settings.nodes(), k.limitReset(),
                k.expiresAt(), k.requestsPerMinute(), k.tokensPerMinute(), k.disabled(), k.usagePico(), k.createdAt(),
                k.updatedAt());
    }

    private UsageSnapshot perNode(UsageSnapshot s) {
        return new UsageSnapshot(perNode(s.totals()), perNode(s.daily()), perNode(s.weekly()), perNode(s.monthly()),
                s.asOfMillis());
    }

    private Map<String, Long> perNode(Map<String, Long> usage) {
        Map<String, Long> share = new HashMap<>();
        usage.forEach((hash, pico) -> share.put(hash, pico / settings.nodes()));
        return share;
    }
}
