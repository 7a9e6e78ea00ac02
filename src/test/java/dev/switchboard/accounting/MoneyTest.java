package dev.switchboard.accounting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTest {

    @ParameterizedTest(name = "{0} USD = {1} pico")
    @CsvSource({
            "1,                       1000000000000",
            "0.000001,                1000000",
            "0.000000000001,          1",
            "2.50,                    2500000000000",
            "0,                       0",
            "-0.25,                   -250000000000",
            "0.0000000000005,         1",
            "0.00000000000049999,     0",
            "0.0000000000015,         2",
            "-0.0000000000005,        -1",
            "1234567.890123456789,    1234567890123456789",
            "9223372.036854775807,    9223372036854775807",
    })
    void convertsUsdToWholePicoDollarsRoundingHalfUp(String usd, long pico) {
        assertThat(Money.toPico(new BigDecimal(usd))).isEqualTo(pico);
    }

    @Test
    void refusesAmountsBeyondALong() {
        assertThatThrownBy(() -> Money.toPico(new BigDecimal("9223372.036854775808")))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void convertsPicoDollarsBackToExactUsd() {
        assertThat(Money.toUsd(1_000_000_000_000L)).isEqualTo(new BigDecimal("1"));
        assertThat(Money.toUsd(1_500_000_000_000L)).isEqualTo(new BigDecimal("1.5"));
        assertThat(Money.toUsd(1L)).isEqualTo(new BigDecimal("1E-12"));
        assertThat(Money.toUsd(-250_000_000_000L)).isEqualTo(new BigDecimal("-0.25"));
        assertThat(Money.toUsd(0L)).isEqualTo(BigDecimal.ZERO);
        assertThat(Money.toUsd((Long) null)).isNull();
        assertThat(Money.toUsd(Long.valueOf(2_000_000L))).isEqualTo(new BigDecimal("0.000002"));
    }

    @Test
    void roundTripsEveryAmountWithTwelveDecimals() {
        for (String usd : new String[] {"0.1", "0.2", "0.3", "3.000015", "1234567.890123456789", "0.000000000007"}) {
            assertThat(Money.toUsd(Money.toPico(new BigDecimal(usd)))).isEqualByComparingTo(usd);
        }
    }

    @Test
    void addsWithoutFloatingPointError() {
        // 0.1 + 0.2 != 0.3 in binary floating point; in pico-dollars the sum is exact
        assertThat(Money.toPico(new BigDecimal("0.1")) + Money.toPico(new BigDecimal("0.2")))
                .isEqualTo(Money.toPico(new BigDecimal("0.3")));
        // beyond 2^53: a double could not hold this amount to the pico-dollar
        assertThat(Money.toPico(new BigDecimal("1234567.890123456789")) + 1)
                .isEqualTo(Money.toPico(new BigDecimal("1234567.890123456790")));
    }

    /** A worst case past what a long holds fits no limit: it saturates instead of throwing. */
    @Test
    void saturatesAmountsBeyondALongWhenAsked() {
        assertThat(Money.toPicoSaturated(new BigDecimal("1e30"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Money.toPicoSaturated(new BigDecimal("-1e30"))).isEqualTo(Long.MIN_VALUE);
        assertThat(Money.toPicoSaturated(new BigDecimal("0.0000000000015"))).isEqualTo(2);
    }
}
