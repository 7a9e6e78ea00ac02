package dev.switchboard.server;

import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.KeyDirectory;
import dev.switchboard.accounting.KeySecrets;
import dev.switchboard.accounting.Money;
import dev.switchboard.cluster.Redis;
import dev.switchboard.cluster.SharedKeyChanges;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code switchboard keys create|list|disable}: key management straight on the store, for a
 * gateway that is not running yet or for scripts on its host. A running gateway sees the change
 * within {@link KeyDirectory#REFRESH} (the HTTP keys API applies at once); in cluster mode
 * ({@code storage.redis} set) the command also tells the running nodes, which then apply it at once.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and disable API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.List.class, KeysCommand.Disable.class})
final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Opens the store named by the configuration and runs {@code work}; exit code 1 on a bad config or store. */
    static int withStore(Path config, Function<Store, Integer> work) {
        Store store;
        try {
            store = Stores.open(Main.loadConfig(config).storage().database());
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("switchboard: cannot open the store: " + e.getMessage());
            return 1;
        }
        try (store) {
            return work.apply(store);
        }
    }

    /**
     * In cluster mode, tells the running nodes that the key changed (they drop what they cached of it);
     * without Redis, or when it cannot be reached, they see the change within {@link KeyDirectory#REFRESH}.
     */
    static void announce(Path config, String hash) {
        SwitchboardConfig.Storage storage = Main.loadConfig(config).storage();
        if (storage.redis() == null) {
            return;
        }
        try (Redis redis = Redis.connect(storage.redis(), storage.redisPrefix())) {
            long nodes = SharedKeyChanges.announce(redis, hash);
            System.err.printf("told %d running node(s) through Redis%n", nodes);
        } catch (RuntimeException e) {
            System.err.println("switchboard: could not tell the running nodes through Redis (" + e.getMessage()
                    + "); they see the change within " + KeyDirectory.REFRESH.toSeconds() + " s");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an inference key and print its secret (shown only this once).")
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "A name for the key (who or what uses it).")
        String name;

        @Option(names = "--limit", paramLabel = "USD", description = "Credit limit in US dollars (default: none).")
        BigDecimal limit;

        @Option(names = "--limit-reset", paramLabel = "PERIOD", description = "daily, weekly or monthly (default: never).")
        String limitReset;

        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./switchboard.yaml if present).")
        Path config;

        @Override
        public Integer call() {
            String trimmed = name.strip();
            if (trimmed.isEmpty() || trimmed.length() > KeyRequests.MAX_NAME_LENGTH) {
                System.err.println("switchboard: --name must be 1 to " + KeyRequests.MAX_NAME_LENGTH + " characters");
                return 2;
            }
            if (limit != null && (limit.signum() < 0 || limit.compareTo(KeyRequests.MAX_LIMIT_USD) > 0)) {
                System.err.println("switchboard: --limit must be between 0 and " + KeyRequests.MAX_LIMIT_USD + " USD");
                return 2;
            }
            LimitReset reset = null;
            if (limitReset != null) {
                reset = LimitReset.fromSlug(limitReset.strip().toLowerCase(java.util.Locale.ROOT)).orElse(null);
                if (reset == null) {
                    System.err.println("switchboard: --limit-reset must be daily, weekly or monthly");
                    return 2;
                }
            }
            LimitReset period = reset;
            return withStore(config, store -> {
                String secret = KeySecrets.generate();
                KeyRecord key = Accounts.keyRecord(secret, KeyRecord.Role.INFERENCE, new Accounts.NewKey(trimmed,
                        limit == null ? null : Money.toPico(limit), period, null, null, null), System.currentTimeMillis());
                store.insertKey(key);
                System.out.println(secret);
                System.err.printf("created key \"%s\" (hash %s)%n", key.name(), key.hash());
                announce(config, key.hash());
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class List implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./switchboard.yaml if present).")
        Path config;

        @Override
        public Integer call() {
            return withStore(config, store -> {
                System.out.printf("%-64s  %-9s  %-24s  %-20s  %12s  %12s  %s%n", "HASH", "ROLE", "NAME", "LABEL",
                        "LIMIT $", "USAGE $", "STATE");
                for (KeyRecord k : store.keys()) {
                    String state = k.disabled() ? "disabled" : k.expired(System.currentTimeMillis()) ? "expired" : "active";
                    System.out.printf("%-64s  %-9s  %-24s  %-20s  %12s  %12s  %s%n", k.hash(),
                            k.role().name().toLowerCase(java.util.Locale.ROOT), k.name(), k.label(),
                            k.limitPico() == null ? "-" : Money.toUsd(k.limitPico()).toPlainString()
                                    + (k.limitReset() == null ? "" : "/" + k.limitReset().slug()),
                            Money.toUsd(k.usagePico()).toPlainString(), state);
                }
                return 0;
            });
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a key by its hash (requests with it get 403).")
    static final class Disable implements Callable<Integer> {
        @Parameters(paramLabel = "HASH", description = "The key's hash, as `keys list` shows it.")
        String hash;

        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./switchboard.yaml if present).")
        Path config;

        @Override
        public Integer call() {
            return withStore(config, store -> {
                var key = store.key(hash.strip());
                if (key.isEmpty()) {
                    System.err.println("switchboard: no key with hash " + hash);
                    return 1;
                }
                KeyRecord k = key.get();
                store.updateKey(new KeyRecord(k.hash(), k.name(), k.label(), k.role(), k.limitPico(), k.limitReset(),
                        k.expiresAt(), k.requestsPerMinute(), k.tokensPerMinute(), true, k.usagePico(), k.createdAt(),
                        Instant.now().toEpochMilli()));
                System.out.printf("disabled key \"%s\" (%s)%n", k.name(), k.hash());
                announce(config, k.hash());
                return 0;
            });
        }
    }
}
