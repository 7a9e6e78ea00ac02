package dev.switchboard.stats;

import dev.switchboard.catalog.EndpointId;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per endpoint. By default it opens after {@link #CONSECUTIVE_FAILURES}
 * failures in a row, or when an endpoint fails more than half of at least
 * {@link #RATE_MIN_ATTEMPTS} attempts in 5 minutes; while open, routing keeps the endpoint as a
 * last resort. When the open time is over the breaker is half-open: the next attempts are probes,
 * and one success closes it while one failure opens it again for twice as long (up to
 * {@link #MAX_OPEN_MS}). {@link Settings} (routing.breaker) changes each of these numbers.
 */
public final class CircuitBreakers {
    static final int CONSECUTIVE_FAILURES = 5;
    static final long RATE_MIN_ATTEMPTS = 10;
    static final long FIRST_OPEN_MS = 10_000;
    static final long MAX_OPEN_MS = 300_000;

    /**
     * When a breaker opens: {@code consecutiveFailures}, or an error rate over {@code maxErrorRate} (0..1)
     * of at least {@code minAttempts} attempts in 5 minutes; then for {@code openMs}, doubling on
     * each failed probe up to {@code maxOpenMs}.
     */
    public record Settings(int consecutiveFailures, double maxErrorRate, long minAttempts, long openMs, long maxOpenMs) {
        public static final Settings DEFAULT = new Settings(CONSECUTIVE_FAILURES, 0.5, RATE_MIN_ATTEMPTS, FIRST_OPEN_MS,
                MAX_OPEN_MS);
    }

    /** {@code openUntil} 0: closed; in the past: half-open; in the future: open. */
    private record State(int failuresInARow, long openUntil, long openForMs) {
        static final State CLOSED = new State(0, 0, 0);
    }

    private final Clock clock;
    private final Settings settings;
    private final ConcurrentHashMap<EndpointId, State> states = new ConcurrentHashMap<>();
    private final HealthListener listener;

    public CircuitBreakers(Clock clock) {
        this(clock, Settings.DEFAULT);
    }

    public CircuitBreakers(Clock clock, Settings settings) {
        this(clock, settings, HealthListener.NONE);
    }

    /** Breakers that tell {@code listener} whenever one opens. */
    public CircuitBreakers(Clock clock, Settings settings, HealthListener listener) {
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
    }

    public Settings settings() {
        return settings;
    }

    public void success(EndpointId endpoint) {
        states.remove(endpoint);
    }

    /** A failure; {@code errorRateTooHigh}: the endpoint's recent error rate alone justifies opening. */
    public void failure(EndpointId endpoint, boolean errorRateTooHigh) {
        long now = clock.millis();
        long[] openedFor = {0};
        states.compute(endpoint, (e, s) -> {
            openedFor[0] = 0;
            State state = s == null ? State.CLOSED : s;
            if (state.openUntil() > now) {
                return state; // already open: failures of attempts made as a last resort change nothing
            }
            if (state.openUntil() != 0) {
                // a half-open probe failed: open again, for longer
                long openFor = Math.min(settings.maxOpenMs(), state.openForMs() * 2);
                openedFor[0] = openFor;
                return new State(state.failuresInARow() + 1, now + openFor, openFor);
            }
            int inARow = state.failuresInARow() + 1;
            if (inARow >= settings.consecutiveFailures() || errorRateTooHigh) {
                openedFor[0] = settings.openMs();
                return new State(inARow, now + settings.openMs(), settings.openMs());
            }
            return new State(inARow, 0, 0);
        });
        if (openedFor[0] > 0) {
            listener.breakerOpened(endpoint, Duration.ofMillis(openedFor[0]));
        }
    }

    /**
     * Another node opened this endpoint's breaker for {@code openFor}: open it here as well (never
     * shorter than it already is), without telling the listener. When the time is up it is half-open
     * here too, and a failed probe opens it for twice as long.
     */
    public void openedElsewhere(EndpointId endpoint, Duration openFor) {
        long now = clock.millis();
        long forMs = Math.max(0, openFor.toMillis());
        states.compute(endpoint, (e, s) -> {
            State state = s == null ? State.CLOSED : s;
            if (state.openUntil() >= now + forMs) {
                return state;
            }
            return new State(state.failuresInARow(), now + forMs, Math.max(forMs, state.openForMs()));
        });
    }

    public boolean open(EndpointId endpoint) {
        State state = states.get(endpoint);
        return state != null && state.openUntil() > clock.millis();
    }
}
