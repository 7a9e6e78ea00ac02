package dev.switchboard.accounting;

import dev.switchboard.store.LimitReset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodsTest {

    @ParameterizedTest(name = "{0} of {1} starts at {2}")
    @CsvSource({
            "DAILY,   2025-03-12T10:15:30Z,     2025-03-12T00:00:00Z",
            "DAILY,   2025-03-12T00:00:00Z,     2025-03-12T00:00:00Z",
            "DAILY,   2025-03-11T23:59:59.999Z, 2025-03-11T00:00:00Z",
            "DAILY,   1969-12-31T23:59:59.999Z, 1969-12-31T00:00:00Z",
            "WEEKLY,  2025-03-12T10:15:30Z,     2025-03-10T00:00:00Z",
            "WEEKLY,  2025-03-10T00:00:00Z,     2025-03-10T00:00:00Z",
            "WEEKLY,  2025-03-09T23:59:59.999Z, 2025-03-03T00:00:00Z",
            "WEEKLY,  2025-03-16T12:00:00Z,     2025-03-10T00:00:00Z",
            "WEEKLY,  2025-01-01T08:00:00Z,     2024-12-30T00:00:00Z",
            "MONTHLY, 2025-03-12T10:15:30Z,     2025-03-01T00:00:00Z",
            "MONTHLY, 2025-03-01T00:00:00Z,     2025-03-01T00:00:00Z",
            "MONTHLY, 2025-02-28T23:59:59.999Z, 2025-02-01T00:00:00Z",
            "MONTHLY, 2024-02-29T18:00:00Z,     2024-02-01T00:00:00Z",
            "MONTHLY, 2025-01-01T00:00:00.001Z, 2025-01-01T00:00:00Z",
            "MONTHLY, 2024-12-31T23:59:59.999Z, 2024-12-01T00:00:00Z",
    })
    void startsPeriodsAtMidnightUtc(LimitReset period, String now, String start) {
        assertThat(Instant.ofEpochMilli(Periods.start(period, Instant.parse(now).toEpochMilli())))
                .isEqualTo(Instant.parse(start));
    }
}
