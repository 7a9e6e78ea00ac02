package dev.switchboard.server.ui;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the pages write numbers, money and dates: short, like a model marketplace shows them. */
public final class Formats {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** Token counts as a model page writes them: {@code 1047576 → "1.05M"}, {@code 128000 → "128K"}, {@code 950 → "950"}. */
    public static String tokens(long count) {
        if (count >= 1_000_000_000L) {
            return scaled(count, 1_000_000_000L, "B");
        }
        if (count >= 1_000_000L) {
            return scaled(count, 1_000_000L, "M");
        }
        if (count >= 1_000L) {
            return scaled(count, 1_000L, "K");
        }
        return Long.toString(count);
    }

    /** Three significant digits at most, trailing zeros dropped: 1.05M, 32.8K, 128K. */
    private static String scaled(long count, long unit, String suffix) {
        BigDecimal value = BigDecimal.valueOf(count).divide(BigDecimal.valueOf(unit));
        int integerDigits = value.precision() - value.scale();
        int scale = Math.max(0, 3 - Math.max(1, integerDigits));
        return value.setScale(scale, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + suffix;
    }

    /** A list price in USD as a marketplace writes it: {@code $2}, {@code $0.40}, {@code $0.025}, {@code $0} for free. */
    public static String usd(BigDecimal usd) {
        if (usd == null) {
            return "—";
        }
        if (usd.signum() == 0) {
            return "$0";
        }
        BigDecimal plain = usd.stripTrailingZeros();
        if (plain.scale() == 1) {
            plain = plain.setScale(2);
        }
        return "$" + (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString();
    }

    /** Money spent: cents for amounts of a dollar or more, four significant digits below. */
    public static String cost(BigDecimal usd) {
        if (usd == null) {
            return "—";
        }
        if (usd.signum() == 0) {
            return "$0";
        }
        if (usd.abs().compareTo(BigDecimal.ONE) >= 0) {
            return "$" + usd.setScale(2, RoundingMode.HALF_UP).toPlainString();
        }
        return "$" + usd.round(new java.math.MathContext(4, RoundingMode.HALF_UP)).stripTrailingZeros().toPlainString();
    }

    public static String date(LocalDate date) {
        return date == null ? "—" : DATE.format(date);
    }

    public static String dateTime(Long epochMillis) {
        return epochMillis == null ? "—" : DATE_TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** A percentage with one decimal, or a dash without data. */
    public static String percent(Double value) {
        if (value == null) {
            return "—";
        }
        return BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
    }

    /** Milliseconds as seconds with two decimals ({@code 1234 → "1.23s"}), or a dash. */
    public static String seconds(Long millis) {
        if (millis == null) {
            return "—";
        }
        return BigDecimal.valueOf(millis).divide(BigDecimal.valueOf(1000)).setScale(2, RoundingMode.HALF_UP).toPlainString() + "s";
    }

    public static String tokensPerSecond(Long value) {
        return value == null ? "—" : value + " tok/s";
    }

    /** Whole numbers with thousands separators. */
    public static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
