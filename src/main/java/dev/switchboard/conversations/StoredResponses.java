package dev.switchboard.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoredResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Responses API's stored answers ({@code store: true}, the default): kept per key, read back for
 * {@code GET /responses/{id}}, its input items, and the context a {@code previous_response_id}
 * continues. Store work and JSON parsing run on this class's own threads, never on an event loop.
 * A response being written is served from memory, so it is readable the moment its answer ends.
 */
public final class StoredResponses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoredResponses.class);

    private final Store store;
    private final Clock clock;
    private final Duration retention;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform()
            .name("switchboard-responses").daemon(true).unstarted(r));
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("switchboard-responses-cleanup").daemon(true).unstarted(r));
    /** Responses whose write has not finished yet. */
    private final ConcurrentHashMap<String, StoredResponse> writing = new ConcurrentHashMap<>();

    /** Keeps responses for {@code retention} (OpenAI keeps them 30 days); older ones are removed hourly. */
    public StoredResponses(Store store, Clock clock, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        maintenance.scheduleWithFixedDelay(this::removeExpired, 1, 60, TimeUnit.MINUTES);
    }

    /** What one answered request leaves behind. */
    public record Answer(String id, String keyHash, String previousResponseId, List<ObjectNode> inputItems,
                         List<ObjectNode> context, ObjectNode response) {
    }

    /** Keeps an answer; a failure to write is logged (the client already has its answer). */
    public CompletableFuture<Void> keep(Answer answer) {
        StoredResponse row = new StoredResponse(answer.id(), answer.keyHash(), clock.millis(), answer.previousResponseId(),
                Json.string(array(answer.inputItems())), Json.string(array(answer.context())), Json.string(answer.response()));
        writing.put(row.id(), row);
        return CompletableFuture.runAsync(() -> {
            try {
                store.putResponse(row);
            } catch (RuntimeException e) {
                log.warn("cannot keep response {}: {}", row.id(), e.getMessage());
            } finally {
                writing.remove(row.id());
            }
        }, executor);
    }

    /** A stored response of {@code keyHash}'s (another key's is reported as missing). */
    public CompletableFuture<Optional<Stored>> find(String id, String keyHash) {
        StoredResponse pending = writing.get(id);
        return CompletableFuture.supplyAsync(() -> Optional.ofNullable(pending).or(() -> store.response(id))
                .filter(r -> r.keyHash().equals(keyHash)).map(Stored::parse), executor);
    }

    /** Deletes {@code keyHash}'s response {@code id}; false when it has none by that id. */
    public CompletableFuture<Boolean> delete(String id, String keyHash) {
        return CompletableFuture.supplyAsync(() -> {
            StoredResponse pending = writing.get(id);
            boolean deleted = store.deleteResponse(id, keyHash);
            return deleted || pending != null && pending.keyHash().equals(keyHash) && writing.remove(id) != null;
        }, executor);
    }

    /** A stored response, parsed. */
    public record Stored(String id, String previousResponseId, List<ObjectNode> inputItems, List<ObjectNode> context,
                         ObjectNode response) {

        static Stored parse(StoredResponse row) {
            return new Stored(row.id(), row.previousResponseId(), objects(row.inputItems()), objects(row.context()),
                    (ObjectNode) Json.parse(row.response()));
        }

        /** What a request continuing this response follows on: everything the model saw, then what it answered. */
        public List<ObjectNode> continuation() {
            List<ObjectNode> items = new ArrayList<>(context);
            for (JsonNode item : response.path("output")) {
                if (item instanceof ObjectNode object) {
                    items.add(object);
                }
            }
            return items;
        }
    }

    private static List<ObjectNode> objects(String json) {
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : Json.parse(json)) {
            if (item instanceof ObjectNode object) {
                items.add(object);
            }
        }
        return items;
    }

    private static ArrayNode array(List<ObjectNode> items) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        items.forEach(array::add);
        return array;
    }

    private void removeExpired() {
        try {
            long removed = store.deleteResponsesBefore(clock.millis() - retention.toMillis());
            if (removed > 0) {
                log.info("removed {} stored responses older than {} days", removed, retention.toDays());
            }
        } catch (RuntimeException e) {
            log.warn("cannot remove old stored responses: {}", e.getMessage());
        }
    }

    public Clock clock() {
        return clock;
    }

    /** Waits for writes under way, then stops. */
    @Override
    public void close() {
        maintenance.shutdownNow();
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
