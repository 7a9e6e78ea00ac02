package dev.switchboard.accounting;

import java.math.BigDecimal;
import java.math.BigInteger;
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

    /**
     * As {@link #toPico}, but an amount past what a {@code long} holds (about 9.2 million USD) is
     * {@link Long#MAX_VALUE}: a worst case that large fits no limit anyway.
     */
    public static long toPicoSaturated(BigDecimal usd) {
        BigInteger pico = usd.setScale(SCALE, RoundingMode.HALF_UP).unscaledValue();
        return pico.bitLength() < 64 ? pico.longValue() : pico.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
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
