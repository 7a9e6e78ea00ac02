package dev.switchboard.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port, without persistence, that the test may kill and
 * start again (never the machine's Redis). Killed with SIGKILL, as a crashed Redis would go.
 */
final class PrivateRedis implements AutoCloseable {
    private final int port;
    private Process process;

    PrivateRedis() throws IOException, InterruptedException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        start();
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Starts it (again) on the same port: empty, as Redis without persistence comes back. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(new File(System.getProperty("java.io.tmpdir"),
                        "switchboard-private-redis-" + port + ".log")))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    /** SIGKILL: the process stops at once, with everything it held. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops answering every client for {@code millis} (CLIENT PAUSE), keeping its data. */
    void pause(long millis) throws IOException, InterruptedException {
        Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "CLIENT", "PAUSE",
                Long.toString(millis), "ALL").redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes()).trim();
        cli.waitFor(10, TimeUnit.SECONDS);
        if (!out.equals("OK")) {
            throw new IllegalStateException("CLIENT PAUSE answered " + out);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}
