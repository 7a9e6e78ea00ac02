package dev.switchboard.accounting;

import dev.switchboard.store.ActivityRow;
import dev.switchboard.store.EndpointHistograms;
import dev.switchboard.store.EndpointMinute;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with faults injected into its ledger writes: it can hold writes at a gate, fail
 * the next writes before they reach the database, or fail them after they were committed (an
 * acknowledgement lost on the way back). Key reads are counted and can be made to fail.
 * Everything else goes straight to the store underneath.
 */
final class FaultyStore implements Store {
    private final Store store;
    private final AtomicInteger failuresBeforeWrite = new AtomicInteger();
    private final AtomicInteger failuresAfterWrite = new AtomicInteger();
    private final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    /** Sizes of the batches handed to {@link #appendGenerations}, failed ones included. */
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    /** Calls of {@link #key}, failed ones included. */
    final AtomicInteger keyReads = new AtomicInteger();
    private volatile boolean keyReadsFail;

    FaultyStore(Store store) {
        this.store = store;
    }

    /** Holds every write until {@link #open()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    void failBeforeWriting(int times) {
        failuresBeforeWrite.set(times);
    }

    void failAfterWriting(int times) {
        failuresAfterWrite.set(times);
    }

    /** Makes every {@link #key} read fail (the database is down) until called again with false. */
    void failKeyReads(boolean fail) {
        keyReadsFail = fail;
    }

    /** Waits until the ledger's writer has called {@link #appendGenerations} at least once. */
    void awaitFirstWrite() throws InterruptedException {
        if (!firstWriteStarted.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the ledger never wrote");
        }
    }

    @Override
    public void appendGenerations(List<GenerationRecord> batch) {
        batchSizes.add(batch.size());
        firstWriteStarted.countDown();
        try {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted at the gate", e);
        }
        if (failuresBeforeWrite.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreException("injected: connection refused", null);
        }
        store.appendGenerations(batch);
        if (failuresAfterWrite.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreException("injected: connection reset while reading the commit's reply", null);
        }
    }

    @Override
    public void setAsideGeneration(GenerationRecord row, String reason) {
        store.setAsideGeneration(row, reason);
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<KeyRecord> keys() {
        return store.keys();
    }

    @Override
    public Optional<KeyRecord> key(String hash) {
        keyReads.incrementAndGet();
        if (keyReadsFail) {
            throw new StoreException("injected: reading a key: connection refused", null);
        }
        return store.key(hash);
    }

    @Override
    public void insertKey(KeyRecord key) {
        store.insertKey(key);
    }

    @Override
    public boolean updateKey(KeyRecord key) {
        return store.updateKey(key);
    }

    @Override
    public boolean deleteKey(String hash) {
        return store.deleteKey(hash);
    }

    @Override
    public Optional<GenerationRecord> generation(String id) {
        return store.generation(id);
    }

    @Override
    public Map<String, Long> usageSince(long fromMillis) {
        return store.usageSince(fromMillis);
    }

    @Override
    public List<ActivityRow> activity(long fromDay, long toDay, String keyHash) {
        return store.activity(fromDay, toDay, keyHash);
    }

    @Override
    public long deleteGenerationsBefore(long day) {
        return store.deleteGenerationsBefore(day);
    }

    @Override
    public void prepareDays(long fromDay, long toDay) {
        store.prepareDays(fromDay, toDay);
    }

    @Override
    public void addEndpointMinutes(List<EndpointMinute> rows) {
        store.addEndpointMinutes(rows);
    }

    @Override
    public void putEndpointHistograms(List<EndpointHistograms> rows) {
        store.putEndpointHistograms(rows);
    }

    @Override
    public List<EndpointMinute> endpointMinutes(long fromMinute) {
        return store.endpointMinutes(fromMinute);
    }

    @Override
    public List<EndpointMinute> endpointHours(long fromMinute) {
        return store.endpointHours(fromMinute);
    }

    @Override
    public List<EndpointHistograms> endpointHistograms(long fromMinute) {
        return store.endpointHistograms(fromMinute);
    }

    @Override
    public void deleteEndpointStatsBefore(long countsBefore, long histogramsBefore) {
        store.deleteEndpointStatsBefore(countsBefore, histogramsBefore);
    }

    @Override
    public void putResponse(dev.switchboard.store.StoredResponse response) {
        store.putResponse(response);
    }

    @Override
    public Optional<dev.switchboard.store.StoredResponse> response(String id) {
        return store.response(id);
    }

    @Override
    public boolean deleteResponse(String id, String keyHash) {
        return store.deleteResponse(id, keyHash);
    }

    @Override
    public long deleteResponsesBefore(long beforeMillis) {
        return store.deleteResponsesBefore(beforeMillis);
    }

    @Override
    public Optional<String> meta(String name) {
        return store.meta(name);
    }

    @Override
    public void putMeta(String name, String value) {
        store.putMeta(name, value);
    }

    @Override
    public boolean insertKeysOnce(String name, String value, List<KeyRecord> keys) {
        return store.insertKeysOnce(name, value, keys);
    }

    @Override
    public dev.switchboard.store.PresetStore presets() {
        return store.presets();
    }

    @Override
    public void close() {
        store.close();
    }
}
