package dev.switchboard.server;

import dev.switchboard.accounting.KeySecrets;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard keys create|list|disable} on the store a configuration names. */
class KeysCommandTest {

    @Test
    void createsListsAndDisablesKeysOnTheConfiguredStore(@TempDir Path dir) throws Exception {
        String url = TestStores.sqliteUrl();
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), "storage: { database: \"" + url + "\" }\n");

        CliRun created = CliRun.of("keys", "create", "--name", "ci", "--limit", "25", "--limit-reset", "monthly",
                "--config", config.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        String secret = created.out().strip();
        assertThat(secret).matches("sk-sb-v1-[0-9a-f]{64}");
        String hash = KeySecrets.hash(secret);

        try (Store store = Stores.open(url)) {
            KeyRecord key = store.key(hash).orElseThrow();
            assertThat(key.name()).isEqualTo("ci");
            assertThat(key.limitPico()).isEqualTo(25_000_000_000_000L);
            assertThat(key.limitReset()).isEqualTo(LimitReset.MONTHLY);
            assertThat(key.role()).isEqualTo(KeyRecord.Role.INFERENCE);
        }

        CliRun listed = CliRun.of("keys", "list", "--config", config.toString());
        assertThat(listed.out()).contains(hash).contains("ci").contains("25/monthly").contains("active")
                .doesNotContain(secret);

        assertThat(CliRun.of("keys", "disable", hash, "--config", config.toString()).exit()).isZero();
        try (Store store = Stores.open(url)) {
            assertThat(store.key(hash).orElseThrow().disabled()).isTrue();
        }
        assertThat(CliRun.of("keys", "list", "--config", config.toString()).out()).contains("disabled");
    }

    @Test
    void badArgumentsAreRefusedWithoutTouchingTheStore(@TempDir Path dir) throws Exception {
        String url = TestStores.sqliteUrl();
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), "storage: { database: \"" + url + "\" }\n");

        assertThat(CliRun.of("keys", "create", "--name", "x", "--limit", "-1", "--config", config.toString()).exit()).isEqualTo(2);
        assertThat(CliRun.of("keys", "create", "--name", "x", "--limit-reset", "hourly", "--config", config.toString()).exit())
                .isEqualTo(2);
        assertThat(CliRun.of("keys", "create", "--name", " ", "--config", config.toString()).exit()).isEqualTo(2);
        CliRun unknown = CliRun.of("keys", "disable", "0".repeat(64), "--config", config.toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no key with hash");
        try (Store store = Stores.open(url)) {
            assertThat(store.keys()).isEmpty();
        }
    }
}
