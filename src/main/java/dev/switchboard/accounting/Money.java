package dev.switchboard.accounting;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as Switchboard stores and adds it: whole pico-dollars (10⁻¹² USD) in a {@code long}.
 * Exact for every price with up to six decimals per million tokens; up to about 9.2 million USD.
 */
public final class Money {
    private static final int SCALE = 12;

    private Money() {
    }

    /** USD to pico-dollars, rounding half up past the twelfth decimal. */
    public static long toPico(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }

    public static BigDecimal toUsd(long pico) {
        if (pico == 0) {
            return BigDecimal.ZERO;
        }
        return BigDecimal.valueOf(pico, SCALE).stripTrailingZeros();
    }

    public static BigDecimal toUsd(Long pico) {
        return pico == null ? null : toUsd(pico.longValue());
    }
}
