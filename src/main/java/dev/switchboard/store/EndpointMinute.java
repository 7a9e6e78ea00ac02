package dev.switchboard.store;

/**
 * Outcome counts of one endpoint (model and provider) in one minute since the epoch. Written as
 * increments, so rows from several nodes add up.
 */
public record EndpointMinute(long minute, String model, String providerId, long successes, long errors,
                             long rateLimited, long cancelled) {

    public boolean isEmpty() {
        return successes == 0 && errors == 0 && rateLimited == 0 && cancelled == 0;
    }
}
