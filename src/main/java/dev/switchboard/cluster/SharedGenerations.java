package dev.switchboard.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.accounting.RecentGenerations;
import dev.switchboard.store.GenerationRecord;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ledger rows kept in Redis for {@link #KEPT} after their request ended, as JSON with the record's
 * own field names: far longer than the ledger writer takes to store them (it writes every 200 ms).
 * Any node answers {@code GET /generation} from here before it asks the store, so a row is found on
 * every node from the moment its answer ended. Past {@link #KEPT}, a row the database has not taken
 * yet (it is down) is found only on the node that served it, until the database is back.
 */
public final class SharedGenerations implements RecentGenerations {
    private static final Logger log = LoggerFactory.getLogger(SharedGenerations.class);
    static final Duration KEPT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a newer node may add fields
            .build();

    private final Redis redis;
    private final Outage outage = new Outage("sharing generations through Redis",
            "other nodes find new generations once the database has them (within a second)");

    public SharedGenerations(Redis redis) {
        this.redis = redis;
    }

    @Override
    public void recorded(GenerationRecord row) {
        String json;
        try {
            json = JSON.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            log.warn("cannot share generation {}: {}", row.id(), e.getOriginalMessage());
            return;
        }
        redis.commands().set(key(row.id()), json, SetArgs.Builder.ex(KEPT)).whenComplete(outage::track);
    }

    @Override
    public CompletableFuture<Optional<GenerationRecord>> find(String id) {
        return redis.commands().get(key(id)).toCompletableFuture().whenComplete(outage::track).thenApply(json -> {
            if (json == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(JSON.readValue(json, GenerationRecord.class));
            } catch (JsonProcessingException e) {
                log.warn("shared generation {} is unreadable: {}", id, e.getOriginalMessage());
                return Optional.empty();
            }
        });
    }

    private String key(String id) {
        return redis.key("generation:" + id);
    }
}
