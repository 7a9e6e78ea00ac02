package dev.switchboard.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the access log to standard output the way nginx's {@code access_log ... buffer= flush=}
 * does: lines gather in memory and go out {@link #CHUNK_CHARS} characters at a time, or every
 * {@link #FLUSH_EVERY_MS} ms, from one writer thread. A request's thread only appends its line
 * under a short lock: no system call and no thread wake-up per line, which measured as the
 * largest cost of an access line on a busy gateway (a console appender, or an async appender
 * handing each line to its thread). When output is stuck, at most {@link #MAX_QUEUED_CHUNKS}
 * chunks wait; further lines are dropped and counted rather than slowing requests.
 */
public final class AccessLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final int CHUNK_CHARS = 32 * 1024;
    static final long FLUSH_EVERY_MS = 1_000;
    static final int MAX_QUEUED_CHUNKS = 64;

    private final OutputStream target;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger queuedChunks = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> ready = new ConcurrentLinkedQueue<>();
    private StringBuilder pending = new StringBuilder(CHUNK_CHARS + 1024);
    private ScheduledExecutorService writer;

    public AccessLogAppender() {
        this(new FileOutputStream(FileDescriptor.out));
    }

    AccessLogAppender(OutputStream target) {
        this.target = target;
    }

    @Override
    public void start() {
        writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "access-log-writer");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::flush, FLUSH_EVERY_MS, FLUSH_EVERY_MS, TimeUnit.MILLISECONDS);
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        boolean full;
        lock.lock();
        try {
            pending.append(event.getFormattedMessage()).append('\n');
            full = pending.length() >= CHUNK_CHARS && handOver();
        } finally {
            lock.unlock();
        }
        if (full) {
            writer.execute(this::drain);
        }
    }

    /**
     * Moves the gathered lines to the writer's queue, in order (the caller holds the lock); false
     * when the queue is full because output is stuck: the lines are dropped and counted.
     */
    private boolean handOver() {
        String chunk = pending.toString();
        pending = new StringBuilder(CHUNK_CHARS + 1024);
        if (queuedChunks.incrementAndGet() > MAX_QUEUED_CHUNKS) {
            queuedChunks.decrementAndGet();
            dropped.addAndGet(countLines(chunk));
            return false;
        }
        ready.add(chunk);
        return true;
    }

    /** On the writer thread: writes the queued chunks, oldest first. */
    private void drain() {
        for (String chunk = ready.poll(); chunk != null; chunk = ready.poll()) {
            queuedChunks.decrementAndGet();
            write(chunk);
        }
        int lost = dropped.getAndSet(0);
        if (lost > 0) {
            write("access log: " + lost + " lines dropped while standard output was blocked\n");
        }
    }

    /** Every second, and at stop: what is gathered goes out too. */
    private void flush() {
        lock.lock();
        try {
            if (!pending.isEmpty()) {
                handOver();
            }
        } finally {
            lock.unlock();
        }
        drain();
    }

    private void write(String chunk) {
        try {
            target.write(chunk.getBytes(StandardCharsets.UTF_8));
            target.flush();
        } catch (IOException e) {
            addError("cannot write the access log to standard output", e);
        }
    }

    private static int countLines(String chunk) {
        int lines = 0;
        for (int i = 0; i < chunk.length(); i++) {
            if (chunk.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /** Writes what is gathered and stops the writer: lines logged before are not lost. */
    @Override
    public void stop() {
        if (writer != null) {
            writer.shutdown();
            try {
                writer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flush();
        }
        super.stop();
    }
}
