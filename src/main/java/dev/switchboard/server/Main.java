package dev.switchboard.server;

import dev.switchboard.accounting.Accounts;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.Provider;
import dev.switchboard.cluster.Redis;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.store.jdbc.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** The {@code switchboard} command line. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "Switchboard 0.1.0",
        description = "A self-hosted LLM gateway and model marketplace.",
        subcommands = {Main.Serve.class, Main.CheckConfig.class, Main.Models.class, KeysCommand.class})
public final class Main implements Runnable {
    static final String DEFAULT_CONFIG = "switchboard.yaml";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** --config FILE, else ./switchboard.yaml when present, else the built-in defaults. */
    static SwitchboardConfig loadConfig(Path file) {
        ConfigLoader loader = new ConfigLoader(System.getenv());
        if (file != null) {
            return loader.load(file);
        }
        Path fallback = Path.of(DEFAULT_CONFIG);
        return Files.exists(fallback) ? loader.load(fallback) : loader.builtIn();
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the gateway.")
    static final class Serve implements Callable<Integer> {
        private static final Logger log = LoggerFactory.getLogger(Serve.class);

        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./switchboard.yaml if present).")
        Path config;

        @Option(names = "--host", description = "Address to listen on (default: server.host, 127.0.0.1).")
        String host;

        @Option(names = "--port", description = "Port to listen on (default: server.port, 8080; 0 picks a free one).")
        Integer port;

        @Override
        public Integer call() throws InterruptedException {
            SwitchboardConfig loaded;
            Catalog catalog;
            try {
                loaded = loadConfig(config);
                catalog = CatalogFactory.build(loaded, ProviderAdapters.IMPLEMENTED);
            } catch (ConfigException e) {
                System.err.println("switchboard: " + e.getMessage());
                return 2;
            }
            SwitchboardConfig effective = new SwitchboardConfig(loaded.source(), loaded.server().withAddress(host, port),
                    loaded.storage(), loaded.auth(), loaded.routing(), loaded.observability(), loaded.providers(),
                    loaded.models(), loaded.plugins());
            for (Provider p : catalog.providers()) {
                if (!p.enabled()) {
                    log.info("provider {} is disabled: {}", p.id(), p.disabledReason());
                }
            }
            SwitchboardServer server;
            try {
                server = SwitchboardServer.start(effective, catalog, Clock.systemUTC(),
                        effective.server().eventLoopsOrProcessors());
            } catch (IllegalStateException e) {
                System.err.println("switchboard: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping: finishing requests in flight");
                server.shutdown(Duration.ofMillis(effective.server().shutdownGraceMs()));
                stopLogging();
                stopped.countDown();
            }, "switchboard-shutdown"));
            long models = catalog.listedModels().size();
            long providers = catalog.providers().stream().filter(Provider::enabled).count();
            System.out.printf("Switchboard is ready on http://%s:%d/v1 (%d models from %d providers; config: %s; %s)%n",
                    displayHost(effective.server().host()), server.port(), models, providers, effective.source(),
                    server.transport());
            printBootstrap(server.bootstrap(), effective);
            System.out.printf("Try: curl http://%s:%d/v1/chat/completions %s-d '{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'%n",
                    displayHost(effective.server().host()), server.port(),
                    server.bootstrap().inferenceSecret() != null
                            ? "-H 'Authorization: Bearer " + server.bootstrap().inferenceSecret() + "' "
                            : effective.auth().requireKeys() ? "-H 'Authorization: Bearer $SWITCHBOARD_KEY' " : "");
            System.out.printf("Web UI: http://%s:%d/%n", displayHost(effective.server().host()), server.port());
            stopped.await();
            return 0;
        }

        /** The keys made on the store's first start: shown this once, never again (only hashes are kept). */
        private static void printBootstrap(Accounts.Bootstrap bootstrap, SwitchboardConfig config) {
            if (bootstrap.inferenceSecret() == null) {
                return;
            }
            System.out.println("First start: created keys (shown only now; store them somewhere safe):");
            if (bootstrap.adminSecret() != null) {
                System.out.println("  admin key (manages keys, cannot call models): " + bootstrap.adminSecret());
            } else {
                System.out.println("  admin key: the one in " + (config.auth().adminKey().isBlank() ? "the configuration"
                        : "auth.admin_key / SWITCHBOARD_ADMIN_KEY"));
            }
            System.out.println("  inference key \"default\": " + bootstrap.inferenceSecret());
        }

        private static String displayHost(String host) {
            return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Check a configuration file, print what it enables, and connect to its database "
                    + "(and Redis, when set) to say what is there.")
    static final class CheckConfig implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The YAML file to check.")
        Path file;

        @Override
        public Integer call() {
            try {
                SwitchboardConfig config = new ConfigLoader(System.getenv()).load(file);
                Catalog catalog = CatalogFactory.build(config, ProviderAdapters.IMPLEMENTED);
                PrintWriter out = new PrintWriter(System.out, true);
                out.printf("%s: OK%n", file);
                for (Provider p : catalog.providers()) {
                    out.printf("  provider %-18s %-9s %s%n", p.id(), p.protocol().slug(),
                            p.enabled() ? "enabled" : "disabled: " + p.disabledReason());
                }
                out.printf("  %d of %d models listed%n", catalog.listedModels().size(), catalog.models().size());
                return checkStorage(config.storage(), out) ? 0 : 1;
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }

    /** Connects to the database and to Redis (when set) and says what it found; false when one cannot be reached. */
    static boolean checkStorage(SwitchboardConfig.Storage storage, PrintWriter out) {
        boolean reached = true;
        try {
            out.printf("  database: %s%n", Stores.probe(storage.database()));
        } catch (RuntimeException e) {
            out.printf("  database: UNREACHABLE: %s%n", e.getMessage());
            reached = false;
        }
        if (storage.redis() == null) {
            out.printf("  redis: not set (one node)%n");
            return reached;
        }
        try {
            out.printf("  redis: %s (cluster mode)%n", Redis.probe(storage.redis(), storage.redisPrefix()));
        } catch (RuntimeException e) {
            out.printf("  redis: UNREACHABLE: %s%n", e.getMessage());
            reached = false;
        }
        return reached;
    }

    @Command(name = "models", mixinStandardHelpOptions = true, description = "Print the catalog as a table.")
    static final class Models implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./switchboard.yaml if present).")
        Path config;

        @Option(names = "--all", description = "Also show models with no enabled provider.")
        boolean all;

        @Override
        public Integer call() {
            Catalog catalog;
            try {
                catalog = CatalogFactory.build(loadConfig(config), ProviderAdapters.IMPLEMENTED);
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            }
            System.out.printf("%-36s %10s %10s %10s  %s%n", "MODEL", "CONTEXT", "IN $/M", "OUT $/M", "PROVIDERS");
            for (Model m : all ? catalog.models() : catalog.listedModels()) {
                String providers = m.endpoints().stream()
                        .map(e -> e.provider().id() + (e.enabled() ? "" : "(off)"))
                        .collect(Collectors.joining(", "));
                System.out.printf("%-36s %10s %10s %10s  %s%n", m.id(), context(m.contextLength()),
                        m.pricing().prompt().toPlainString(), m.pricing().completion().toPlainString(), providers);
            }
            if (!all && catalog.listedModels().size() < catalog.models().size()) {
                System.out.printf("(%d more models have no enabled provider; --all shows them)%n",
                        catalog.models().size() - catalog.listedModels().size());
            }
            return 0;
        }

        static String context(long tokens) {
            if (tokens >= 1_000_000) {
                return String.format("%.2fM", tokens / 1_000_000.0);
            }
            return tokens >= 1_000 ? (tokens / 1_000) + "K" : Long.toString(tokens);
        }
    }

    /** Writes out what the loggers still buffer (the access log's last second): the last step of a shutdown. */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }
}
