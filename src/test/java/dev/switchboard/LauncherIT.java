package dev.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.Stores;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's commands as a user runs them: the launcher script, after the jar is packaged.
 * (Runs in Maven's integration-test phase.)
 */
class LauncherIT {
    static final Path PROJECT = Path.of("").toAbsolutePath();

    @Test
    void serveAnswersTheReadmeCurlStreamingAndNot(@TempDir Path workDir) throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(PROJECT.resolve("switchboard").toString(), "serve", "--port", Integer.toString(port))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("out.log").toFile());
        builder.environment().keySet().removeIf(k -> k.endsWith("_API_KEY"));
        Process process = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            waitUntilReady(http, port, process, workDir.resolve("out.log"));

            // the first start prints the keys once; the README's curl uses the inference key
            String log = Files.readString(workDir.resolve("out.log"));
            Matcher printed = Pattern.compile("inference key \"default\": (sk-sb-v1-[0-9a-f]{64})").matcher(log);
            assertThat(printed.find()).as("first start prints an inference key:%n%s", log).isTrue();
            String key = printed.group(1);
            assertThat(log).containsPattern("admin key \\(manages keys, cannot call models\\): sk-sb-v1-[0-9a-f]{64}");
            assertThat(Files.exists(workDir.resolve("switchboard-data/switchboard.db"))).as("SQLite store created").isTrue();

            String body = "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello from the README\"}]}";
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("keys are required by default").isEqualTo(401);
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode completion = Json.parse(plain.body());
            assertThat(completion.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from the README");
            assertThat(completion.path("usage").path("completion_tokens").asLong()).isPositive();

            String streamBody = body.replace("{\"model\"", "{\"stream\":true,\"model\"");
            HttpResponse<String> streamed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(streamBody)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(streamed.body()).contains("\"content\":\"Hello\"").endsWith("data: [DONE]\n\n");

            assertThat(Files.readString(workDir.resolve("out.log"))).contains("http://127.0.0.1:" + port + "/v1");
        } finally {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }

        // a second start on the same store prints no new keys, and the CLI sees both usage rows
        Process list = new ProcessBuilder(PROJECT.resolve("switchboard").toString(), "keys", "list")
                .directory(workDir.toFile()).redirectErrorStream(true).start();
        String listed = new String(list.getInputStream().readAllBytes());
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(list.exitValue()).as(listed).isZero();
        assertThat(listed).contains("default").contains("admin").contains("active");
    }

    /**
     * Issue 12, item 1, as an operator sees it: SIGTERM to a real gateway process while streams from an
     * HTTP upstream are in flight. New connections are refused at once; every stream still ends with
     * its usage and [DONE]; the process exits and the store holds every generation.
     */
    @Test
    void sigtermLetsStreamsInFlightFinish(@TempDir Path workDir) throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            // 13 events 200 ms apart: each stream runs about 2.6 s
            upstream.always(FakeUpstream.sseEvents(Fixtures.text("openai/chat_stream_text.sse"), 200));
            Files.writeString(workDir.resolve("switchboard.yaml"), """
                    auth: { require_keys: false }
                    server: { shutdown_grace_ms: 15000 }
                    providers:
                      - id: alpha
                        name: Alpha
                        protocol: openai
                        base_url: %s
                        api_key: sk-provider-alpha
                        data_policy: { training: false, retention_days: 0 }
                    models:
                      - id: test/model
                        name: "Test: model"
                        context_length: 100000
                        max_output_tokens: 4096
                        tokenizer: o200k_base
                        pricing: { prompt: 2, completion: 8 }
                        endpoints: [ { provider: alpha, upstream_model: upstream-alpha } ]
                    """.formatted(upstream.baseUrl()));
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(PROJECT.resolve("switchboard").toString(), "serve", "--port", Integer.toString(port))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("out.log").toFile());
            Process process = builder.start();
            List<java.util.concurrent.CompletableFuture<String>> streams = new ArrayList<>();
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                waitUntilReady(http, port, process, workDir.resolve("out.log"));
                for (int i = 0; i < 4; i++) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"test/model\",\"stream\":true,"
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"stream " + i + "\"}]}")).build();
                    streams.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (upstream.requestCount() < streams.size() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(upstream.requestCount()).as("every stream reached the upstream").isEqualTo(streams.size());
                Thread.sleep(300); // the first chunks are out
            } finally {
                process.destroy(); // SIGTERM
            }
            Thread.sleep(700); // past the 200 ms /readyz window and the moment the old stop cut every stream
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
                throw new AssertionError("a new connection was accepted during the grace");
            } catch (IOException refused) {
                // as it should be
            }
            List<String> ids = new ArrayList<>();
            for (var stream : streams) {
                String body = stream.get(30, TimeUnit.SECONDS);
                assertThat(body).as("the stream ran to its end").endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
                Matcher id = Pattern.compile("\"id\":\"(gen-[^\"]+)\"").matcher(body);
                assertThat(id.find()).isTrue();
                ids.add(id.group(1));
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits after the grace").isTrue();
            try (Store store = Stores.open("sqlite:" + workDir.resolve("switchboard-data/switchboard.db"))) {
                for (String id : ids) {
                    assertThat(store.generation(id)).as("ledger row of %s", id).isPresent()
                            .get().extracting(GenerationRecord::finishReason).isEqualTo("stop");
                }
            }
        }
    }

    /**
     * Some JVM options give a start-up cache the JVM then refuses outright ("archived heap objects cannot
     * be loaded ... unrecoverable error"): the launcher throws it away and starts without it, and does not
     * train again at every start. Runs on a copy of the launcher and the jar, so the project's own cache
     * is left alone.
     */
    @Test
    void aStartUpCacheTheJvmRefusesIsDroppedAndTheGatewayStartsWithoutIt(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the start-up cache needs JDK 25");
        Path home = Files.createDirectories(dir.resolve("switchboard"));
        Files.copy(PROJECT.resolve("switchboard"), home.resolve("switchboard"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(home.resolve("target"));
        Files.copy(PROJECT.resolve("target/switchboard.jar"), home.resolve("target/switchboard.jar"));
        Path workDir = Files.createDirectories(dir.resolve("work"));

        for (int start = 1; start <= 2; start++) {
            int port = freePort();
            Path log = workDir.resolve("start-" + start + ".log");
            ProcessBuilder builder = new ProcessBuilder(home.resolve("switchboard").toString(), "serve", "--port", Integer.toString(port))
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("SWITCHBOARD_JAVA_OPTS", "-XX:+UseSerialGC -Xmn64m -Xms64m");
            builder.environment().remove("SWITCHBOARD_NO_AOT");
            Process process = builder.start();
            try {
                waitUntilReady(HttpClient.newHttpClient(), port, process, log);
            } finally {
                process.destroy();
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            String output = Files.readString(log);
            if (start == 1) {
                assertThat(output).contains("preparing the start-up cache")
                        .contains("the JVM refuses a start-up cache made with these options; starting without it");
            } else {
                assertThat(output).as("the refusal is remembered for this build and these options")
                        .doesNotContain("preparing the start-up cache");
            }
            assertThat(home.resolve("target/switchboard.aot")).doesNotExist();
        }
    }

    @Test
    void explainsWhatItFoundWhenNoSuitableJdkExists(@TempDir Path dir) throws Exception {
        Path oldJdk = fakeJdk(dir.resolve("jvm/old-jdk"), "17");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), oldJdk.resolve("bin/java"));
        ProcessBuilder builder = new ProcessBuilder("bash", PROJECT.resolve("switchboard").toString(), "models")
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME");
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("SWITCHBOARD_JVM_DIRS", dir.resolve("jvm").toString() + "/*");
        // /usr/bin/java may be a real JDK on a developer machine: hide it behind the fake one
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("no JDK >= 21 found").contains("Java 17").contains("JAVA_HOME");
    }

    @Test
    void checkConfigPointsAtTheBadLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("switchboard.yaml");
        Files.writeString(config, """
                server:
                  port: 8080
                providers:
                  - id: local
                    protocol: opnai
                    base_url: http://127.0.0.1:8000/v1
                """);
        Process process = new ProcessBuilder(PROJECT.resolve("switchboard").toString(), "check-config", config.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(output).contains(config + ":5: providers[0].protocol: expected one of openai, azure, anthropic, gemini, bedrock, demo");
    }

    private static Path fakeJdk(Path home, String version) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        String script = "#!/bin/sh\necho '    java.specification.version = " + version + "' >&2\nexit 0\n";
        for (String tool : new String[]{"java", "javac"}) {
            Path file = bin.resolve(tool);
            Files.writeString(file, script);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    private static void waitUntilReady(HttpClient http, int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("switchboard exited early:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("switchboard did not become ready:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
