package dev.switchboard.server;

import dev.switchboard.protocol.Json;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestRedis;
import dev.switchboard.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI in cluster mode: {@code check-config} connects to both stores; {@code keys disable} tells the nodes. */
@Timeout(120)
class ClusterCommandsTest {
    @Test
    void checkConfigSaysWhatItFoundInTheDatabaseAndRedis(@TempDir Path dir) throws Exception {
        String database = TestStores.postgresUrl();
        String prefix = TestRedis.prefix();
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), "storage: { database: \"" + database
                + "\", redis: \"" + TestRedis.URI + "\", redis_prefix: \"" + prefix + "\" }\n");
        try {
            CliRun empty = CliRun.of("check-config", config.toString());
            assertThat(empty.exit()).as(empty.out() + empty.err()).isZero();
            assertThat(empty.out()).containsPattern("database: PostgreSQL 127\\.0\\.0\\.1:5432/test schema sb_test_\\w+: "
                    + "server \\d+.*, no schema yet; created at the first start")
                    .containsPattern("redis: Redis 127\\.0\\.0\\.1:6379: server \\d+\\.\\d+.*, 0 keys under \""
                            + prefix + "\" \\(cluster mode\\)");

            try (TestGateway node = TestGateway.start(Files.readString(config) + "auth: { require_keys: true }\n")) {
                CliRun running = CliRun.of("check-config", config.toString());
                assertThat(running.exit()).isZero();
                assertThat(running.out()).containsPattern("schema at version \\d+");
            }
        } finally {
            TestStores.drop(database);
            TestRedis.clean(prefix);
        }
    }

    @Test
    void checkConfigFailsWhenRedisCannotBeReached(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), "storage: { database: \""
                + TestStores.sqliteUrl() + "\", redis: \"redis://127.0.0.1:1\" }\n");

        CliRun run = CliRun.of("check-config", config.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("database: SQLite", "not there yet; created at the first start")
                .contains("redis: UNREACHABLE:");
    }

    @Test
    void keysDisableTellsTheRunningNodes(@TempDir Path dir) throws Exception {
        String database = TestStores.postgresUrl();
        String prefix = TestRedis.prefix();
        String admin = "sk-test-cli-admin";
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), "storage: { database: \"" + database
                + "\", redis: \"" + TestRedis.URI + "\", redis_prefix: \"" + prefix + "\" }\n"
                + "auth: { require_keys: true, admin_key: " + admin + " }\n"
                + "providers:\n  - { id: demo, tokens_per_second: 0 }\n");
        try (TestGateway node = TestGateway.start(Files.readString(config))) {
            HttpResponse<String> created = node.call("POST", "/api/v1/keys", admin, "{\"name\":\"cli\"}");
            String secret = Json.parse(created.body()).path("key").asText();
            String hash = Json.parse(created.body()).path("data").path("hash").asText();
            String chat = "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(node.call("POST", "/v1/chat/completions", secret, chat).statusCode()).isEqualTo(200);

            CliRun disabled = CliRun.of("keys", "disable", hash, "--config", config.toString());
            assertThat(disabled.exit()).as(disabled.err()).isZero();
            assertThat(disabled.err()).contains("told 1 running node(s)");

            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            int status;
            while ((status = node.call("POST", "/v1/chat/completions", secret, chat).statusCode()) == 200
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(status).as("refused within a second of the command").isEqualTo(403);
        } finally {
            TestStores.drop(database);
            TestRedis.clean(prefix);
        }
    }
}
