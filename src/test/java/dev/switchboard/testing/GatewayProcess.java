package dev.switchboard.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Switchboard as an operator runs it: {@code ./switchboard serve} in a directory holding its
 * {@code switchboard.yaml}, a real JVM that a test can stop with SIGTERM or kill with SIGKILL.
 * The launcher {@code exec}s the JVM, so the signals reach the gateway itself. Needs the packaged
 * jar (integration tests run after {@code package}).
 */
public final class GatewayProcess implements AutoCloseable {
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().resolve("switchboard");

    private final Process process;
    private final Path log;
    private final int port;

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts on a free port in {@code workDir} with {@code yaml} as its configuration; returns once /readyz is 200. */
    public static GatewayProcess start(Path workDir, String yaml) throws Exception {
        Files.writeString(workDir.resolve("switchboard.yaml"), yaml);
        int port = freePort();
        Path log = Files.createTempFile(workDir, "switchboard-", ".log");
        Process process = new ProcessBuilder(LAUNCHER.toString(), "serve", "--port", Integer.toString(port))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        GatewayProcess gateway = new GatewayProcess(process, log, port);
        try {
            gateway.awaitReady(Duration.ofSeconds(90));
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return gateway;
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** SIGTERM: a graceful stop. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook, nothing flushed. Returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the process survived SIGKILL");
        }
    }

    public boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** What the process wrote to stdout and stderr so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("switchboard exited early:\n" + output());
                }
                try {
                    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(uri("/readyz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (ready.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("switchboard did not become ready:\n" + output());
    }

    /** Kills the process if a test left it running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
