package dev.switchboard.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code observability:} section: defaults, every key, and the standard OpenTelemetry variables. */
class ObservabilityConfigTest {

    @Test
    void defaultsServeMetricsLogAsTextAndDoNotTrace() {
        SwitchboardConfig builtIn = new ConfigLoader(Map.of()).builtIn();
        SwitchboardConfig empty = new ConfigLoader(Map.of()).load("switchboard.yaml", "observability: {}\n");

        for (SwitchboardConfig config : new SwitchboardConfig[] {builtIn, empty}) {
            assertThat(config.observability()).isEqualTo(SwitchboardConfig.Observability.DEFAULT);
            assertThat(config.observability().metrics().enabled()).isTrue();
            assertThat(config.observability().accessLog().enabled()).isTrue();
            assertThat(config.observability().accessLog().json()).isFalse();
            assertThat(config.observability().tracing().enabled()).isFalse();
            assertThat(config.observability().tracing().serviceName()).isEqualTo("switchboard");
        }
    }

    @Test
    void readsEveryKey() {
        SwitchboardConfig config = new ConfigLoader(Map.of()).load("switchboard.yaml", """
                observability:
                  metrics: { enabled: false }
                  access_log: { enabled: false, format: JSON }
                  tracing:
                    otlp_endpoint: http://127.0.0.1:4318
                    service_name: gateway-eu
                    sample_ratio: 0.25
                """);

        SwitchboardConfig.Observability o = config.observability();
        assertThat(o.metrics().enabled()).isFalse();
        assertThat(o.accessLog()).isEqualTo(new SwitchboardConfig.AccessLog(false, "json"));
        assertThat(o.tracing()).isEqualTo(new SwitchboardConfig.Tracing("http://127.0.0.1:4318", "gateway-eu", 0.25));
        assertThat(o.tracing().enabled()).isTrue();
    }

    @Test
    void theCollectorAndServiceNameMayComeFromTheStandardVariables() {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_SERVICE_NAME", "sb-prod");

        SwitchboardConfig withoutFile = new ConfigLoader(env).builtIn();
        SwitchboardConfig fileWins = new ConfigLoader(env).load("switchboard.yaml", """
                observability:
                  tracing: { otlp_endpoint: "", service_name: mine }
                """);

        assertThat(withoutFile.observability().tracing())
                .isEqualTo(new SwitchboardConfig.Tracing("http://collector:4318", "sb-prod", 1.0));
        assertThat(fileWins.observability().tracing().enabled()).isFalse();
        assertThat(fileWins.observability().tracing().serviceName()).isEqualTo("mine");
    }
}
