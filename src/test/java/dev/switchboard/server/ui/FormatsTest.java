package dev.switchboard.server.ui;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class FormatsTest {
    @ParameterizedTest
    @CsvSource({
            "1047576, 1.05M", "1048576, 1.05M", "1000000, 1M", "128000, 128K", "200000, 200K", "131072, 131K",
            "32768, 32.8K", "16384, 16.4K", "8192, 8.19K", "4000, 4K", "950, 950", "0, 0", "2000000000, 2B"})
    void tokenCountsAreShortAsOnAModelPage(long tokens, String shown) {
        assertThat(Formats.tokens(tokens)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"2.00, $2", "0.40, $0.40", "0.4, $0.40", "0.15, $0.15", "0.025, $0.025", "0, $0", "10, $10", "1.10, $1.10",
            "100, $100"})
    void listPricesKeepCentsWhenTheyHaveAny(String usd, String shown) {
        assertThat(Formats.usd(new BigDecimal(usd))).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"0.000027, $0.000027", "0.0000123456, $0.00001235", "1.234, $1.23", "12, $12.00", "0, $0"})
    void costsShowFourSignificantDigitsBelowADollar(String usd, String shown) {
        assertThat(Formats.cost(new BigDecimal(usd))).isEqualTo(shown);
    }
}
