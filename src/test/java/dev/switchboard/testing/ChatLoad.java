package dev.switchboard.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Concurrent chat completions against a gateway on 127.0.0.1, every other one streamed: either a
 * fixed batch sent at once ({@link #batch}) or workers that send one request after another until
 * stopped ({@link #loop}). Every request's {@link Outcome} is kept: what a client would know of it.
 */
public final class ChatLoad implements AutoCloseable {

    /**
     * One request as its client saw it.
     *
     * @param generationId  {@code X-Generation-Id}, or null when no answer head arrived (kept when the body broke later)
     * @param complete      200 and the whole answer: a stream ending with {@code [DONE]} and no error chunk,
     *                      or a completion with its {@code choices}
     * @param endedAtMillis wall-clock time the client had the whole answer (or the failure)
     * @param detail        the status and the body's end, or the exception, for assertion messages
     */
    public record Outcome(String generationId, boolean streamed, int status, boolean complete, long endedAtMillis,
                          String detail) {
    }

    private final HttpClient http;
    private final URI chat;
    private final String key;
    private final String model;
    private final String content;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final CountDownLatch workersDone;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    private ChatLoad(URI chat, String key, String model, String content, int workers) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.chat = chat;
        this.key = key;
        this.model = model;
        this.content = content;
        this.workersDone = new CountDownLatch(workers);
    }

    /** {@code requests} requests sent at once (one virtual thread each), then nothing more. */
    public static ChatLoad batch(URI chat, String key, String model, int requests) {
        return batch(chat, key, model, requests, "request");
    }

    /** As above, each request's message being {@code content} and its number (an upstream can answer by it). */
    public static ChatLoad batch(URI chat, String key, String model, int requests, String content) {
        ChatLoad load = new ChatLoad(chat, key, model, content, requests);
        for (int i = 0; i < requests; i++) {
            load.startWorker(false);
        }
        return load;
    }

    /** {@code workers} clients, each sending its next request when the last one ended, until {@link #stop}. */
    public static ChatLoad loop(URI chat, String key, String model, int workers) {
        ChatLoad load = new ChatLoad(chat, key, model, "request", workers);
        for (int i = 0; i < workers; i++) {
            load.startWorker(true);
        }
        return load;
    }

    private void startWorker(boolean repeat) {
        workers.add(Thread.ofVirtual().name("chat-load").start(() -> {
            try {
                do {
                    outcomes.add(send(sent.getAndIncrement()));
                } while (repeat && running);
            } finally {
                workersDone.countDown();
            }
        }));
    }

    private Outcome send(int n) {
        boolean stream = n % 2 == 0;
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + " " + n + "\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(chat)
                .timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("authorization", "Bearer " + key);
        }
        // the id is taken from the head as it arrives: a stream cut later (a killed gateway) still has one
        AtomicReference<String> id = new AtomicReference<>();
        HttpResponse.BodyHandler<String> keepingId = head -> {
            id.set(head.headers().firstValue("x-generation-id").orElse(null));
            return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        };
        try {
            HttpResponse<String> response = http.send(request.build(), keepingId);
            long ended = System.currentTimeMillis();
            String text = response.body();
            boolean complete = response.statusCode() == 200 && (stream
                    ? text.endsWith("data: [DONE]\n\n") && !text.contains("\"finish_reason\":\"error\"")
                    : text.contains("\"choices\""));
            String tail = text.length() > 800 ? text.substring(text.length() - 800) : text;
            return new Outcome(id.get(), stream, response.statusCode(), complete, ended, response.statusCode() + " " + tail);
        } catch (IOException e) {
            return new Outcome(id.get(), stream, 0, false, System.currentTimeMillis(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(id.get(), stream, 0, false, System.currentTimeMillis(), e.toString());
        }
    }

    /** Requests started so far. */
    public int sent() {
        return sent.get();
    }

    /** Requests ended so far, whatever their outcome. */
    public int ended() {
        return outcomes.size();
    }

    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** No worker starts another request; waits up to {@code timeout} for the requests in flight to end. */
    public boolean stop(Duration timeout) throws InterruptedException {
        running = false;
        return workersDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until {@code n} requests have ended, for at most {@code timeout}; false if they did not. */
    public boolean awaitEnded(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ended() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        workers.forEach(Thread::interrupt);
        http.close();
    }
}
