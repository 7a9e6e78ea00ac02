package dev.switchboard.stats;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One endpoint's recent attempts in one-minute buckets: outcome counts for the last day, and
 * latency and throughput histograms (HdrHistogram, concurrent writers) for the last 30 minutes.
 * Recording is lock-free; a bucket whose minute has passed is replaced by a fresh one. Reads merge
 * the buckets of a window.
 */
public final class EndpointStats {
    static final int DAY_MINUTES = 24 * 60;
    static final int HISTOGRAM_MINUTES = 30;
    /** Latency up to an hour in ms and throughput up to a million tokens/s, 2 significant digits. */
    private static final long MAX_VALUE = 3_600_000;
    private static final int DIGITS = 2;

    /** Counts of one minute. */
    static final class Counts {
        final long minute;
        final LongAdder successes = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        /** What the store already holds of this minute from this node; read and written by the history writer only. */
        long storedSuccesses;
        long storedErrors;
        long storedRateLimited;
        long storedCancelled;

        Counts(long minute) {
            this.minute = minute;
        }
    }

    /** Histograms of one minute. */
    static final class Histograms {
        final long minute;
        final Histogram latencyMs = new ConcurrentHistogram(MAX_VALUE, DIGITS);
        final Histogram tokensPerSecond = new ConcurrentHistogram(MAX_VALUE, DIGITS);
        /** Earlier processes' histograms of this minute, read from the store at start; never written back. */
        volatile Histogram restoredLatencyMs;
        volatile Histogram restoredTokensPerSecond;
        /** Values recorded here that the store already holds; history writer only. */
        long storedCount;

        Histograms(long minute) {
            this.minute = minute;
        }
    }

    private final AtomicReferenceArray<Counts> counts = new AtomicReferenceArray<>(DAY_MINUTES);
    private final AtomicReferenceArray<Histograms> histograms = new AtomicReferenceArray<>(HISTOGRAM_MINUTES);

    /** A success: {@code latencyMs} to the first token (streams) or the answer; throughput when known. */
    public void success(long minute, long latencyMs, Double tokensPerSecond) {
        counts(minute).successes.increment();
        Histograms h = histograms(minute);
        h.latencyMs.recordValue(clamp(latencyMs));
        if (tokensPerSecond != null && tokensPerSecond >= 0 && !tokensPerSecond.isInfinite()) {
            h.tokensPerSecond.recordValue(clamp(Math.round(tokensPerSecond)));
        }
    }

    public void error(long minute) {
        counts(minute).errors.increment();
    }

    /** Rate-limited attempts are counted but left out of uptime, as OpenRouter does. */
    public void rateLimited(long minute) {
        counts(minute).rateLimited.increment();
    }

    /** The client left before the end: counted, not held against the provider. */
    public void cancelled(long minute) {
        counts(minute).cancelled.increment();
    }

    /** Rate-limited and cancelled attempts over the last {@code minutes}: {rateLimited, cancelled}. */
    public long[] setAside(long now, int minutes) {
        long limited = 0;
        long cancelled = 0;
        for (long m = now - Math.min(minutes, DAY_MINUTES) + 1; m <= now; m++) {
            Counts c = counts.get(slot(m, DAY_MINUTES));
            if (c != null && c.minute == m) {
                limited += c.rateLimited.sum();
                cancelled += c.cancelled.sum();
            }
        }
        return new long[] {limited, cancelled};
    }

    /** Successes / (successes + errors) × 100 over the last {@code minutes} (this one included); null without data. */
    public Double uptime(long now, int minutes) {
        long ok = 0;
        long failed = 0;
        for (long m = now - Math.min(minutes, DAY_MINUTES) + 1; m <= now; m++) {
            Counts c = counts.get(slot(m, DAY_MINUTES));
            if (c != null && c.minute == m) {
                ok += c.successes.sum();
                failed += c.errors.sum();
            }
        }
        return ok + failed == 0 ? null : 100.0 * ok / (ok + failed);
    }

    /**
     * Successes and errors of the minutes {@code [from, to]} still held (the last day):
     * {successes, errors}.
     */
    public long[] outcomes(long from, long to) {
        long ok = 0;
        long failed = 0;
        for (long m = Math.max(from, to - DAY_MINUTES + 1); m <= to; m++) {
            Counts c = counts.get(slot(m, DAY_MINUTES));
            if (c != null && c.minute == m) {
                ok += c.successes.sum();
                failed += c.errors.sum();
            }
        }
        return new long[] {ok, failed};
    }

    /** Attempts (successes and errors) over the last {@code minutes}. */
    public long attempts(long now, int minutes) {
        long total = 0;
        for (long m = now - Math.min(minutes, DAY_MINUTES) + 1; m <= now; m++) {
            Counts c = counts.get(slot(m, DAY_MINUTES));
            if (c != null && c.minute == m) {
                total += c.successes.sum() + c.errors.sum();
            }
        }
        return total;
    }

    /** Latency percentiles (ms) over the last 30 minutes; null without data. */
    public Percentiles latency(long now) {
        return percentiles(now, true);
    }

    /** Throughput percentiles (tokens/s) over the last 30 minutes; null without data. */
    public Percentiles throughput(long now) {
        return percentiles(now, false);
    }

    /**
     * p50, p75, p90 and p99 of a window, with its smallest and largest value and its mean (ZenMux's
     * min / max / average), all within the histograms' 1% precision.
     */
    public record Percentiles(long p50, long p75, long p90, long p99, long min, long max, double mean) {
        /** The value at 50, 75, 90 or 99; the nearest of them for other percentiles. */
        public long at(int percentile) {
            return percentile <= 50 ? p50 : percentile <= 75 ? p75 : percentile <= 90 ? p90 : p99;
        }
    }

    private Percentiles percentiles(long now, boolean latency) {
        Histogram merged = new Histogram(MAX_VALUE, DIGITS);
        for (long m = now - HISTOGRAM_MINUTES + 1; m <= now; m++) {
            Histograms h = histograms.get(slot(m, HISTOGRAM_MINUTES));
            if (h != null && h.minute == m) {
                merged.add(latency ? h.latencyMs : h.tokensPerSecond);
                Histogram restored = latency ? h.restoredLatencyMs : h.restoredTokensPerSecond;
                if (restored != null) {
                    merged.add(restored);
                }
            }
        }
        return percentiles(merged);
    }

    /** p50..p99 of a histogram; null when it is empty. */
    static Percentiles percentiles(Histogram merged) {
        if (merged.getTotalCount() == 0) {
            return null;
        }
        return new Percentiles(merged.getValueAtPercentile(50), merged.getValueAtPercentile(75),
                merged.getValueAtPercentile(90), merged.getValueAtPercentile(99), merged.getMinValue(),
                merged.getMaxValue(), merged.getMean());
    }

    // ---- cluster mode: this node's part next to what the shared store holds (see ClusterFigures) ----

    /**
     * This process's successes and errors of the minutes {@code [from, to]} that the store does not
     * hold yet: {successes, errors}. Read off the history writer's thread, so a figure can lag a write.
     */
    long[] unstoredOutcomes(long from, long to) {
        long ok = 0;
        long failed = 0;
        for (long m = Math.max(from, to - DAY_MINUTES + 1); m <= to; m++) {
            Counts c = counts.get(slot(m, DAY_MINUTES));
            if (c != null && c.minute == m) {
                ok += c.successes.sum() - c.storedSuccesses;
                failed += c.errors.sum() - c.storedErrors;
            }
        }
        return new long[] {Math.max(0, ok), Math.max(0, failed)};
    }

    /** This process's own recordings over the last 30 minutes, without what it restored: {@code into} gains them. */
    void addOwnHistograms(long now, Histogram latencyInto, Histogram throughputInto) {
        for (long m = now - HISTOGRAM_MINUTES + 1; m <= now; m++) {
            Histograms h = histograms.get(slot(m, HISTOGRAM_MINUTES));
            if (h != null && h.minute == m) {
                latencyInto.add(h.latencyMs);
                throughputInto.add(h.tokensPerSecond);
            }
        }
    }

    // ---- history: what the store keeps across restarts ----

    /** Adds counts an earlier process recorded (read from the store): they count, and are not written back. */
    void restoreCounts(long minute, long successes, long errors, long rateLimited, long cancelled) {
        Counts c = counts(minute);
        c.successes.add(successes);
        c.errors.add(errors);
        c.rateLimited.add(rateLimited);
        c.cancelled.add(cancelled);
        c.storedSuccesses += successes;
        c.storedErrors += errors;
        c.storedRateLimited += rateLimited;
        c.storedCancelled += cancelled;
    }

    /** Adds histograms an earlier process recorded; kept apart from this process's own. */
    void restoreHistograms(long minute, Histogram latencyMs, Histogram tokensPerSecond) {
        Histograms h = histograms(minute);
        h.restoredLatencyMs = merge(h.restoredLatencyMs, latencyMs);
        h.restoredTokensPerSecond = merge(h.restoredTokensPerSecond, tokensPerSecond);
    }

    private static Histogram merge(Histogram into, Histogram more) {
        if (into == null) {
            Histogram copy = new Histogram(MAX_VALUE, DIGITS);
            copy.add(more);
            return copy;
        }
        into.add(more);
        return into;
    }

    /**
     * What this minute's counts gained since the store last took them: {successes, errors,
     * rateLimited, cancelled}, or null when nothing (or the minute is no longer held).
     * {@link #countsStored} confirms a write.
     */
    long[] unstoredCounts(long minute) {
        Counts c = counts.get(slot(minute, DAY_MINUTES));
        if (c == null || c.minute != minute) {
            return null;
        }
        long[] delta = {c.successes.sum() - c.storedSuccesses, c.errors.sum() - c.storedErrors,
                c.rateLimited.sum() - c.storedRateLimited, c.cancelled.sum() - c.storedCancelled};
        return delta[0] == 0 && delta[1] == 0 && delta[2] == 0 && delta[3] == 0 ? null : delta;
    }

    void countsStored(long minute, long[] delta) {
        Counts c = counts.get(slot(minute, DAY_MINUTES));
        if (c != null && c.minute == minute) {
            c.storedSuccesses += delta[0];
            c.storedErrors += delta[1];
            c.storedRateLimited += delta[2];
            c.storedCancelled += delta[3];
        }
    }

    /** This process's histograms of a minute when they changed since stored: {latency, throughput}, else null. */
    Histogram[] unstoredHistograms(long minute) {
        Histograms h = histograms.get(slot(minute, HISTOGRAM_MINUTES));
        if (h == null || h.minute != minute || h.latencyMs.getTotalCount() == h.storedCount) {
            return null;
        }
        return new Histogram[] {h.latencyMs.copy(), h.tokensPerSecond.copy()};
    }

    void histogramsStored(long minute, long latencyCount) {
        Histograms h = histograms.get(slot(minute, HISTOGRAM_MINUTES));
        if (h != null && h.minute == minute) {
            h.storedCount = latencyCount;
        }
    }

    static Histogram newHistogram() {
        return new Histogram(MAX_VALUE, DIGITS);
    }

    private Counts counts(long minute) {
        int slot = slot(minute, DAY_MINUTES);
        while (true) {
            Counts c = counts.get(slot);
            if (c != null && c.minute == minute) {
                return c;
            }
            if (c != null && c.minute > minute) {
                return new Counts(minute); // a straggler from a minute already gone: not kept
            }
            Counts fresh = new Counts(minute);
            if (counts.compareAndSet(slot, c, fresh)) {
                return fresh;
            }
        }
    }

    private Histograms histograms(long minute) {
        int slot = slot(minute, HISTOGRAM_MINUTES);
        while (true) {
            Histograms h = histograms.get(slot);
            if (h != null && h.minute == minute) {
                return h;
            }
            if (h != null && h.minute > minute) {
                return new Histograms(minute);
            }
            Histograms fresh = new Histograms(minute);
            if (histograms.compareAndSet(slot, h, fresh)) {
                return fresh;
            }
        }
    }

    private static int slot(long minute, int size) {
        return (int) Math.floorMod(minute, (long) size);
    }

    private static long clamp(long value) {
        return Math.max(0, Math.min(MAX_VALUE, value));
    }
}
