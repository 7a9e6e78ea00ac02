package dev.switchboard.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything Switchboard keeps: keys, the usage ledger, a few settings. Implementations (SQLite,
 * PostgreSQL) block on I/O: call them from worker threads, never from an event loop.
 */
public interface Store extends AutoCloseable {

    /** {@code sqlite} or {@code postgresql}. */
    String kind();

    List<KeyRecord> keys();

    Optional<KeyRecord> key(String hash);

    void insertKey(KeyRecord key);

    /** Replaces a key's settings (not its usage); false when no such key. */
    boolean updateKey(KeyRecord key);

    boolean deleteKey(String hash);

    /** Appends ledger rows and adds each row's cost to its key's usage, all in one transaction. */
    void appendGenerations(List<GenerationRecord> batch);

    /**
     * Keeps a ledger row the database refused ({@link StoreException#dataRefused()}) in
     * {@code ledger_rejects}, as JSON with the reason, so it is neither lost nor blocking the rows
     * behind it. Its cost is not added to the key's stored usage.
     */
    void setAsideGeneration(GenerationRecord row, String reason);

    Optional<GenerationRecord> generation(String id);

    /** Cost per key hash of the generations created at or after {@code fromMillis}. */
    Map<String, Long> usageSince(long fromMillis);

    /** Usage grouped by day, model, provider and app, for days {@code [fromDay, toDay]}; one key or all. */
    List<ActivityRow> activity(long fromDay, long toDay, String keyHash);

    /** Deletes ledger rows of days before {@code day} without a table-wide DELETE; returns rows removed (or -1 if unknown). */
    long deleteGenerationsBefore(long day);

    /** Prepares storage for the coming days (PostgreSQL creates daily partitions ahead). */
    default void prepareDays(long fromDay, long toDay) {
    }

    /** Adds each row's counts to what the store holds for its minute and endpoint. */
    void addEndpointMinutes(List<EndpointMinute> rows);

    /** Replaces each row's histograms (one row per minute, endpoint and node). */
    void putEndpointHistograms(List<EndpointHistograms> rows);

    /** Outcome counts of the minutes at or after {@code fromMinute}, all nodes summed. */
    List<EndpointMinute> endpointMinutes(long fromMinute);

    /**
     * Outcome counts per hour of the minutes at or after {@code fromMinute}: rows whose
     * {@code minute} is the first minute of their hour.
     */
    List<EndpointMinute> endpointHours(long fromMinute);

    /** Histograms of the minutes at or after {@code fromMinute}, every node's. */
    List<EndpointHistograms> endpointHistograms(long fromMinute);

    /** Removes counts of minutes before {@code countsBefore} and histograms before {@code histogramsBefore}. */
    void deleteEndpointStatsBefore(long countsBefore, long histogramsBefore);

    /** Keeps a Responses API answer (replacing one with the same id). */
    void putResponse(StoredResponse response);

    Optional<StoredResponse> response(String id);

    /** Deletes the response {@code id} if {@code keyHash} made it; false when there is none. */
    boolean deleteResponse(String id, String keyHash);

    /** Deletes responses created before {@code beforeMillis}; returns how many. */
    long deleteResponsesBefore(long beforeMillis);

    Optional<String> meta(String name);

    void putMeta(String name, String value);

    /**
     * In one transaction: sets the setting {@code name} unless it exists, and only if this call set
     * it, inserts {@code keys}. True when the keys were inserted. Of several nodes starting at once on
     * an empty store, exactly one gets true.
     */
    boolean insertKeysOnce(String name, String value, List<KeyRecord> keys);

    /** Presets ({@code @preset/NAME}) and their versions. */
    PresetStore presets();

    @Override
    void close();
}
