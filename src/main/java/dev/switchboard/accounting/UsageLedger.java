package dev.switchboard.accounting;

import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The usage ledger's write path, off the request path: rows go into a bounded in-memory queue and
 * one writer thread stores them in batches, one transaction per batch. A request takes a slot
 * when it is admitted and gives it back when its row is stored (or when it ends without one), so
 * every admitted request has room for its row: when the slots run out, new requests are refused
 * (back-pressure) and nothing already accepted is dropped.
 *
 * <p>Faults: every text of a row is cut to its column's size before it is queued
 * ({@link GenerationRecord#bounded()}). A batch the database refuses for its data is split in
 * halves until the refused row is alone; that row is set aside ({@link Store#setAsideGeneration},
 * counted in {@link #setAside()}, one warning naming its generation id) and every other row is
 * stored. Any other failure (connection lost, permission denied) retries the same batch with
 * backoff, logging the SQLState and the database's reason, never the statement or its values.
 *
 * <p>Durability window: every {@code flushEvery} the writer stores what has gathered, in
 * transactions of up to {@code batchSize} rows; a {@code kill -9} loses at most the rows of that
 * window and of the batch being written.
 * {@link #close()} writes everything before returning, unless the database takes no write for
 * {@link #CLOSE_DEADLINE}: then it gives the rows up (one error line with their count) rather than hold
 * the process forever.
 */
public final class UsageLedger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
    /** How long {@link #close()} keeps trying to write the queued rows to a failing database. */
    public static final Duration CLOSE_DEADLINE = Duration.ofSeconds(30);

    private final Store store;
    private final int capacity;
    private final int batchSize;
    private final long flushEveryMillis;
    private final Duration closeDeadline;
    /** Lock-free: the slots bound it, and a request's offer never wakes the writer (which polls on its own clock). */
    private final ConcurrentLinkedQueue<GenerationRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicLong setAside = new AtomicLong();
    /** Rows accepted but not yet committed, so {@code GET /generation} finds them at once. */
    private final ConcurrentHashMap<String, GenerationRecord> unwritten = new ConcurrentHashMap<>();
    private final Thread writer;
    /** Told of every row as it is recorded (cluster mode shares it with the other nodes); must not block. */
    private final Consumer<GenerationRecord> onRecorded;
    private volatile boolean closing;
    /** Set when close() takes the rows the writer left; a row queued after that is written by its caller. */
    private volatile boolean drained;

    public UsageLedger(Store store, int capacity, int batchSize, Duration flushEvery) {
        this(store, capacity, batchSize, flushEvery, CLOSE_DEADLINE, row -> {
        });
    }

    /** As above, telling {@code onRecorded} of every row as it is recorded. */
    public UsageLedger(Store store, int capacity, int batchSize, Duration flushEvery,
                       Consumer<GenerationRecord> onRecorded) {
        this(store, capacity, batchSize, flushEvery, CLOSE_DEADLINE, onRecorded);
    }

    /** As above, giving up the rows a failing database has not taken {@code closeDeadline} after {@link #close()}. */
    UsageLedger(Store store, int capacity, int batchSize, Duration flushEvery, Duration closeDeadline) {
        this(store, capacity, batchSize, flushEvery, closeDeadline, row -> {
        });
    }

    private UsageLedger(Store store, int capacity, int batchSize, Duration flushEvery, Duration closeDeadline,
                        Consumer<GenerationRecord> onRecorded) {
        this.store = store;
        this.closeDeadline = closeDeadline;
        this.onRecorded = onRecorded;
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
    public void record(GenerationRecord unbounded) {
        GenerationRecord row = unbounded.bounded();
        unwritten.put(row.id(), row);
        try {
            onRecorded.accept(row);
        } catch (RuntimeException e) {
            log.warn("sharing generation {} failed: {}", row.id(), e.toString());
        }
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

    /** Rows the database refused since start, kept in {@code ledger_rejects} instead of the ledger. */
    public long setAside() {
        return setAside.get();
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

    /**
     * Keeps trying: rows that were accepted must not be lost to a database hiccup. A batch refused
     * for its data is split until the refused row is alone, so it holds up no other row.
     */
    private void writeWithRetry(List<GenerationRecord> batch) {
        long backoff = 100;
        while (true) {
            try {
                store.appendGenerations(batch);
                return;
            } catch (StoreException e) {
                if (e.dataRefused()) {
                    split(batch, e);
                    return;
                }
                if (!sleepBeforeRetry(batch.size(), backoff, e)) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!sleepBeforeRetry(batch.size(), backoff, e)) {
                    return;
                }
            }
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    /** Writes the halves of a refused batch on their own; a refused single row is set aside. */
    private void split(List<GenerationRecord> batch, StoreException refused) {
        if (batch.size() == 1) {
            setAside(batch.getFirst(), refused);
            return;
        }
        int half = batch.size() / 2;
        writeWithRetry(batch.subList(0, half));
        writeWithRetry(batch.subList(half, batch.size()));
    }

    private void setAside(GenerationRecord row, StoreException refused) {
        long backoff = 100;
        while (true) {
            try {
                store.setAsideGeneration(row, refused.getMessage());
                setAside.incrementAndGet();
                log.warn("the database refused ledger row {} ({}): set aside in ledger_rejects, its cost is "
                        + "not in the key's stored usage; the other rows are stored", row.id(), refused.sqlState());
                return;
            } catch (StoreException e) {
                if (e.dataRefused()) {
                    // cannot happen with the TEXT columns of ledger_rejects; the other rows still go on
                    log.error("the database refused ledger row {} ({}) and setting it aside failed too "
                            + "({}): the row is lost", row.id(), refused.sqlState(), e.sqlState());
                    return;
                }
                if (!sleepBeforeRetry(1, backoff, e)) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!sleepBeforeRetry(1, backoff, e)) {
                    return;
                }
            }
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    /** False when interrupted (the rows stay unwritten). The store's messages name no row values. */
    private static boolean sleepBeforeRetry(int rows, long backoff, RuntimeException e) {
        String state = e instanceof StoreException s && s.sqlState() != null ? " (" + s.sqlState() + ")" : "";
        log.warn("writing {} ledger rows failed{}, retrying in {} ms: {}", rows, state, backoff,
                e instanceof StoreException ? e.getMessage() : e.getClass().getName());
        try {
            Thread.sleep(backoff);
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            log.error("stopped while {} ledger rows were unwritten", rows);
            return false;
        }
    }

    /**
     * Refuses new requests, writes every queued row, and stops the writer. If the database takes no
     * write within {@link #CLOSE_DEADLINE}, the rows still unwritten are given up and counted in one
     * error line: a stop during a database outage ends instead of retrying forever.
     */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(closeDeadline);
            if (writer.isAlive()) {
                int lost = unwritten.size();
                writer.interrupt(); // its retry sleeps end at once and it drops what it holds
                writer.join(Duration.ofSeconds(1));
                drained = true;
                log.error("the database took no ledger write within {} ms of the stop: {} ledger rows (their "
                        + "generations and their cost in the keys' stored usage) are lost", closeDeadline.toMillis(), lost);
                return;
            }
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
