package dev.switchboard.accounting;

import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The usage ledger's write path, off the request path: rows go into a bounded in-memory queue and
 * one writer thread stores them in batches, one transaction per batch. A request takes a slot
 * when it is admitted and gives it back when its row is stored (or when it ends without one), so
 * every admitted request has room for its row: when the slots run out, new requests are refused
 * (back-pressure) and nothing already accepted is dropped. A failed write is retried with backoff.
 *
 * <p>Durability window: every {@code flushEvery} the writer stores what has gathered, in
 * transactions of up to {@code batchSize} rows; a {@code kill -9} loses at most the rows of that
 * window and of the batch being written.
 * {@link #close()} writes everything before returning.
 */
public final class UsageLedger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);

    private final Store store;
    private final int capacity;
    private final int batchSize;
    private final long flushEveryMillis;
    /** Lock-free: the slots bound it, and a request's offer never wakes the writer (which polls on its own clock). */
    private final ConcurrentLinkedQueue<GenerationRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger slots = new AtomicInteger();
    /** Rows accepted but not yet committed, so {@code GET /generation} finds them at once. */
    private final ConcurrentHashMap<String, GenerationRecord> unwritten = new ConcurrentHashMap<>();
    private final Thread writer;
    private volatile boolean closing;
    /** Set when close() takes the rows the writer left; a row queued after that is written by its caller. */
    private volatile boolean drained;

    public UsageLedger(Store store, int capacity, int batchSize, Duration flushEvery) {
        this.store = store;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.flushEveryMillis = Math.max(1, flushEvery.toMillis());
        this.writer = Thread.ofPlatform().name("switchboard-ledger").daemon(true).unstarted(this::writeLoop);
        writer.start();
    }

    /** Takes a slot for a request about to start; false when the ledger is full (refuse the request). */
    public boolean tryAdmit() {
        if (closing) {
            return false;
        }
        while (true) {
            int used = slots.get();
            if (used >= capacity) {
                return false;
            }
            if (slots.compareAndSet(used, used + 1)) {
                return true;
            }
        }
    }

    /** Stores the row of an admitted request (uses its slot; never blocks: the slot guarantees room). */
    public void record(GenerationRecord row) {
        unwritten.put(row.id(), row);
        if (!writer.isAlive() || !queue.offer(row)) {
            // only after close() (or if a caller skipped admission): keep the row rather than lose it
            log.warn("ledger writer not taking rows; writing generation {} inline", row.id());
            unwritten.remove(row.id());
            writeWithRetry(List.of(row));
            slots.decrementAndGet();
        } else if (drained && queue.remove(row)) {
            // offered after close() took the last rows: nobody else will write it
            writeWithRetry(List.of(row));
            unwritten.remove(row.id());
            slots.decrementAndGet();
        }
    }

    /** Gives back the slot of an admitted request that produced no generation. */
    public void release() {
        slots.decrementAndGet();
    }

    public Optional<GenerationRecord> unwritten(String id) {
        return Optional.ofNullable(unwritten.get(id));
    }

    /** Slots in use: rows waiting plus requests in flight. */
    public int used() {
        return slots.get();
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Every {@code flushEvery}, writes what has gathered, {@code batchSize} rows per transaction:
     * one transaction for many rows costs far less than one per row, and producers never have to
     * wake this thread (a wake-up per row cost more CPU on the event loops than the write itself).
     */
    private void writeLoop() {
        List<GenerationRecord> batch = new ArrayList<>(batchSize);
        while (true) {
            if (queue.isEmpty()) {
                if (closing) {
                    return;
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(flushEveryMillis));
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                continue;
            }
            GenerationRecord row;
            while (batch.size() < batchSize && (row = queue.poll()) != null) {
                batch.add(row);
            }
            writeWithRetry(batch);
            for (GenerationRecord written : batch) {
                unwritten.remove(written.id());
            }
            slots.addAndGet(-batch.size());
            batch.clear();
        }
    }

    /** Keeps trying: rows that were accepted must not be lost to a database hiccup. */
    private void writeWithRetry(List<GenerationRecord> batch) {
        long backoff = 100;
        while (true) {
            try {
                store.appendGenerations(batch);
                return;
            } catch (RuntimeException e) {
                log.warn("writing {} ledger rows failed, retrying in {} ms: {}", batch.size(), backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    log.error("stopped while {} ledger rows were unwritten", batch.size());
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    /** Refuses new requests, writes every queued row, and stops the writer. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(Duration.ofMinutes(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a row offered in the instant the writer exited is still queued: write it here
        drained = true;
        List<GenerationRecord> left = new ArrayList<>();
        for (GenerationRecord row; (row = queue.poll()) != null; ) {
            left.add(row);
        }
        if (!left.isEmpty()) {
            writeWithRetry(left);
            for (GenerationRecord row : left) {
                unwritten.remove(row.id());
            }
            slots.addAndGet(-left.size());
        }
    }
}
