package dev.switchboard.accounting;

import dev.switchboard.store.LimitReset;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/** Where usage periods start: 00:00 UTC of the day, of the week's Monday, of the month's first day. */
public final class Periods {
    private Periods() {
    }

    public static long start(LimitReset period, long nowMillis) {
        LocalDate today = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate first = switch (period) {
            case DAILY -> today;
            case WEEKLY -> today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> today.withDayOfMonth(1);
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
