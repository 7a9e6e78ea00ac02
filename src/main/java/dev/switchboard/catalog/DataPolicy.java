package dev.switchboard.catalog;

/**
 * What a provider does with prompts: {@code training} whether it may train on them,
 * {@code retentionDays} how long it keeps them (0 = zero data retention). Null means unknown,
 * and unknown never passes a privacy filter.
 */
public record DataPolicy(Boolean training, Integer retentionDays) {
    public static final DataPolicy UNKNOWN = new DataPolicy(null, null);

    /** True unless the provider is known not to train on prompts. */
    public boolean mayTrain() {
        return !Boolean.FALSE.equals(training);
    }

    /** True only when the provider is known to keep nothing. */
    public boolean zeroRetention() {
        return retentionDays != null && retentionDays == 0;
    }
}
