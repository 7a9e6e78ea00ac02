package dev.switchboard.server;

import dev.switchboard.conversations.StoredResponses;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.cluster.ClusterAccounting;
import dev.switchboard.cluster.Redis;
import dev.switchboard.cluster.SharedGenerations;
import dev.switchboard.cluster.SharedHealth;
import dev.switchboard.cluster.SharedKeyChanges;
import dev.switchboard.cluster.SharedPresetChanges;
import dev.switchboard.presets.PresetChanges;
import dev.switchboard.presets.Presets;
import dev.switchboard.cluster.SharedValues;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.stats.HealthListener;
import dev.switchboard.stats.StatsHistory;
import dev.switchboard.server.ui.WebUi;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Switchboard: the store and accounts, Vert.x with one {@link EdgeVerticle} per event
 * loop, and the shared gateway.
 */
public final class SwitchboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);
    /** Ledger rows waiting to be written plus requests in flight; past this, new requests get 503. */
    static final int LEDGER_CAPACITY = 100_000;
    /** The ledger's durability window: rows reach the database at most this long after their request. */
    static final Duration LEDGER_FLUSH_EVERY = Duration.ofMillis(200);
    /** How long stored Responses API answers are kept (as OpenAI keeps them). */
    static final Duration RESPONSES_KEPT = Duration.ofDays(30);

    private final Vertx vertx;
    private final Gateway gateway;
    private final Store store;
    private final Accounts accounts;
    private final Accounts.Bootstrap bootstrap;
    private final StatsHistory statsHistory;
    private final StoredResponses responses;
    private final Presets presets;
    private final int port;
    private final AtomicBoolean ready;
    private final String transport;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Observability observability;
    /** The cluster's shared Redis; null on a single node. */
    private final Redis redis;

    private SwitchboardServer(Vertx vertx, Gateway gateway, Store store, Accounts accounts, Accounts.Bootstrap bootstrap,
                              StatsHistory statsHistory, StoredResponses responses, Presets presets, int port, AtomicBoolean ready, String transport,
                              Observability observability, Redis redis) {
        this.observability = observability;
        this.redis = redis;
        this.vertx = vertx;
        this.gateway = gateway;
        this.store = store;
        this.accounts = accounts;
        this.bootstrap = bootstrap;
        this.statsHistory = statsHistory;
        this.responses = responses;
        this.presets = presets;
        this.port = port;
        this.ready = ready;
        this.transport = transport;
    }

    /** Builds the catalog from the configuration and starts listening; blocks until ready. */
    public static SwitchboardServer start(SwitchboardConfig config) {
        return start(config, CatalogFactory.build(config, ProviderAdapters.IMPLEMENTED), Clock.systemUTC(),
                config.server().eventLoopsOrProcessors());
    }

    /** Opens the store (creating or migrating its schema), then serves; blocks until ready. */
    public static SwitchboardServer start(SwitchboardConfig config, Catalog catalog, Clock clock, int eventLoops) {
        return start(config, catalog, clock, eventLoops, null);
    }

    /**
     * As above, tracing with {@code openTelemetry} instead of what {@code observability.tracing}
     * configures (null: as configured); tests pass an SDK with an in-memory exporter.
     */
    public static SwitchboardServer start(SwitchboardConfig config, Catalog catalog, Clock clock, int eventLoops,
                                          OpenTelemetry openTelemetry) {
        return start(config, catalog, clock, eventLoops, openTelemetry, new VertxOptions());
    }

    /**
     * As above, on Vert.x built from {@code vertxOptions} (the event loop count is set from
     * {@code eventLoops}); tests lower the blocked-thread checker's thresholds.
     */
    public static SwitchboardServer start(SwitchboardConfig config, Catalog catalog, Clock clock, int eventLoops,
                                          OpenTelemetry openTelemetry, VertxOptions vertxOptions) {
        // the first count would load the encodings (~0.5 s for o200k_base) on an event loop: load those of the
        // models that can be served now, beside the store's opening and migrations, and be ready only once they are in
        Set<String> tokenizers = new HashSet<>();
        catalog.models().stream().filter(Model::listed).forEach(model -> tokenizers.add(model.tokenizer()));
        CompletableFuture<Void> tokenizersLoaded = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("tokenizers-warm-up").start(() -> {
            try {
                TokenCounter.warmUp(tokenizers);
                tokenizersLoaded.complete(null);
            } catch (RuntimeException e) {
                tokenizersLoaded.completeExceptionally(e);
            }
        });
        Store store;
        try {
            store = Stores.open(config.storage().database());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open storage.database: " + e.getMessage(), e);
        }
        Redis redis;
        try {
            redis = connectRedis(config.storage());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Accounts.Settings settings = new Accounts.Settings(config.auth().requireKeys(), config.auth().adminKey(),
                config.storage().retentionDays(), LEDGER_CAPACITY, LEDGER_FLUSH_EVERY);
        // cluster mode: credits and rate limits in Redis (a settled cost reaches the store within ten flushes),
        // key changes and recent generations published there
        ClusterAccounting shared = redis == null ? null
                : ClusterAccounting.create(redis, store, config, clock, LEDGER_FLUSH_EVERY.multipliedBy(10));
        SharedKeyChanges keyChanges = redis == null ? null : new SharedKeyChanges(redis);
        Accounts accounts = shared == null ? new Accounts(store, settings, clock)
                : new Accounts(store, settings, clock, shared.credits(), shared.rateLimiter(),
                new Accounts.Peers(keyChanges, new SharedGenerations(redis)));
        Accounts.Bootstrap bootstrap;
        try {
            if (keyChanges != null) {
                // subscribed before the keys are read, so no change made meanwhile is missed
                keyChanges.listen(accounts::keyChangedElsewhere);
            }
            bootstrap = accounts.start();
        } catch (RuntimeException e) {
            accounts.close();
            store.close();
            closeQuietly(redis);
            throw new IllegalStateException("cannot read accounts from the store: " + e.getMessage(), e);
        }
        int loops = Math.max(1, eventLoops);
        Transport transport = transport(config.server().transport());
        Observability observability = Observability.start(config.observability(), openTelemetry);
        if (shared != null && observability.registry() != null) {
            shared.bindTo(observability.registry());
        }
        VertxOptions options = new VertxOptions(vertxOptions).setEventLoopPoolSize(loops);
        var builder = Vertx.builder();
        if (observability.vertxMetrics() != null) {
            options.setMetricsOptions(new MetricsOptions().setEnabled(true));
            builder.withMetrics(observability.vertxMetrics());
        }
        Vertx vertx = builder.with(options).withTransport(transport).build();
        SharedHealth health = redis == null ? null : new SharedHealth(redis);
        Gateway gateway = new Gateway(catalog, accounts, config.routing(), config.server().streamKeepaliveMs(), clock,
                observability.metrics(), observability.tracing(), observability.accessLog().enabled(),
                health == null ? HealthListener.NONE : health);
        gateway.usePlugins(config.plugins());
        if (health != null) {
            health.listen(gateway.stats(), gateway.cooldowns());
        }
        StatsHistory statsHistory = StatsHistory.start(gateway.stats(), store, clock, redis != null);
        StoredResponses responses = new StoredResponses(store, clock, RESPONSES_KEPT);
        Presets presets = presets(store, clock, redis);
        AtomicBoolean ready = new AtomicBoolean();
        SwitchboardConfig.Server server = config.server();
        try {
            WebUi ui = WebUi.load(redis == null ? null : new SharedValues(redis, "ui"));
            WarmUp.optionClasses();
            ClientConnections.Budget budget = new ClientConnections.Budget(maxConnections(server.maxConnections()));
            // the first listener resolves port 0 to a real port; the others share it
            EdgeVerticle first = new EdgeVerticle(gateway, server, server.port(), budget, ready::get, clock,
                    observability, ui, responses, presets);
            await(vertx.deployVerticle(first, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP)));
            int port = first.actualPort();
            for (int i = 1; i < loops; i++) {
                await(vertx.deployVerticle(new EdgeVerticle(gateway, server, port, budget, ready::get, clock,
                        observability, ui, responses, presets)));
            }
            tokenizersLoaded.join();
            await(WarmUp.selfRequest(vertx, server.host(), port));
            ready.set(true);
            return new SwitchboardServer(vertx, gateway, store, accounts, bootstrap, statsHistory, responses, presets, port, ready,
                    transport.name().toLowerCase(java.util.Locale.ROOT), observability, redis);
        } catch (RuntimeException e) {
            vertx.close();
            statsHistory.close();
            responses.close();
            presets.close();
            observability.close();
            accounts.close();
            store.close();
            closeQuietly(redis);
            throw e;
        }
    }

    /** The presets; in cluster mode a change on any node drops the preset from every node's cache. */
    private static Presets presets(Store store, Clock clock, Redis redis) {
        if (redis == null) {
            return new Presets(store.presets(), clock, PresetChanges.NONE);
        }
        SharedPresetChanges changes = new SharedPresetChanges(redis);
        Presets presets = new Presets(store.presets(), clock, changes);
        changes.listen(presets::changedElsewhere);
        return presets;
    }

    /** Connects to {@code storage.redis} when set (cluster mode); null on a single node. */
    private static Redis connectRedis(SwitchboardConfig.Storage storage) {
        if (storage.redis() == null) {
            return null;
        }
        try {
            if (storage.database().startsWith("sqlite:")) {
                log.warn("storage.redis is set but storage.database is SQLite: only one node can use a SQLite file;"
                        + " several nodes need PostgreSQL");
            }
            Redis redis = Redis.connect(storage.redis(), storage.redisPrefix());
            log.info("cluster mode: sharing credits, rate limits, key changes, recent generations, endpoint health "
                    + "and UI sessions through Redis at {}", redis.address());
            return redis;
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to storage.redis: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Redis redis) {
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * {@code server.max_connections}, but at most half the process's open-file limit: the other half is
     * for upstream connections (about one per request in flight), the store and the logs. Past the
     * limit, accepting fails with "Too many open files" and nothing, /healthz included, is served.
     */
    static int maxConnections(int configured) {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long fileLimit = unix.getMaxFileDescriptorCount();
            int cap = (int) Math.min(Integer.MAX_VALUE, Math.max(16, fileLimit / 2));
            if (fileLimit > 0 && configured > cap) {
                log.warn("server.max_connections is {} but the open-file limit is {} (ulimit -n); accepting at most {}",
                        configured, fileLimit, cap);
                return cap;
            }
        }
        return configured;
    }

    /**
     * io_uring when the kernel allows it (measured about 20% more requests per second than epoll,
     * docs/performance.md), else epoll, else Java NIO.
     */
    static Transport transport(String choice) {
        Transport chosen = switch (choice) {
            case "io_uring" -> Transport.IO_URING;
            case "epoll" -> Transport.EPOLL;
            case "nio" -> Transport.NIO;
            default -> Transport.IO_URING.available() ? Transport.IO_URING
                    : Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
        };
        if (!chosen.available()) {
            log.warn("transport {} is not available here ({}); using Java NIO", chosen.name(),
                    chosen.unavailabilityCause() == null ? "unknown reason" : chosen.unavailabilityCause().getMessage());
            return Transport.NIO;
        }
        return chosen;
    }

    public int port() {
        return port;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The network transport in use: io_uring, epoll or nio. */
    public String transport() {
        return transport;
    }

    public Accounts accounts() {
        return accounts;
    }

    /** Keys generated on this start (the store's first), to be shown once; fields are null otherwise. */
    public Accounts.Bootstrap bootstrap() {
        return bootstrap;
    }

    /**
     * Stops taking new work ({@code /readyz} answers 503), lets requests in flight finish for up
     * to {@code grace}, then writes every ledger row still queued and closes the store.
     */
    public void shutdown(Duration grace) {
        ready.set(false);
        try {
            Thread.sleep(Math.min(grace.toMillis(), 200)); // let load balancers see /readyz fail
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(grace.toMillis() + 5_000);
    }

    @Override
    public void close() {
        ready.set(false);
        stop(15_000);
    }

    private void stop(long waitMillis) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            vertx.close().await(waitMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("HTTP shutdown did not complete cleanly: {}", e.toString());
        }
        // requests have ended (or been cut off): their ledger rows are all queued now
        statsHistory.close();
        responses.close();
        presets.close();
        accounts.close();
        store.close();
        closeQuietly(redis);
        observability.close();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && !(e instanceof RuntimeException) ? e.getCause() : e;
            throw new IllegalStateException("cannot start the server: " + cause.getMessage(), cause);
        }
    }
}
