package dev.switchboard.store;

import java.util.Locale;
import java.util.Optional;

/** When a key's credit limit starts over: at 00:00 UTC each day, each Monday, or each first of the month. */
public enum LimitReset {
    DAILY, WEEKLY, MONTHLY;

    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<LimitReset> fromSlug(String slug) {
        for (LimitReset r : values()) {
            if (r.slug().equals(slug)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
