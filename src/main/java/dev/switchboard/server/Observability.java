package dev.switchboard.server;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.gateway.Tracing;
import dev.switchboard.stats.GatewayMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.semconv.ServiceAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * What the server gives operators, built once from {@code observability:}: the Prometheus
 * registry with the gateway's and the JVM's meters (for {@code GET /metrics}), the OpenTelemetry
 * SDK exporting spans over OTLP/HTTP (only when a collector is configured; otherwise none is
 * built and tracing costs nothing), and the access log.
 */
final class Observability implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Observability.class);
    /** The Prometheus text exposition format, which every scraper reads. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final OpenTelemetrySdk sdk;
    private final GatewayMetrics metrics;
    private final Tracing tracing;
    private final AccessLog accessLog;

    private Observability(PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics, OpenTelemetrySdk sdk,
                          Tracing tracing, AccessLog accessLog) {
        this.registry = registry;
        this.gcMetrics = gcMetrics;
        this.sdk = sdk;
        this.metrics = registry == null ? GatewayMetrics.disabled() : new GatewayMetrics(registry);
        this.tracing = tracing;
        this.accessLog = accessLog;
    }

    /** Builds what {@code config} turns on; {@code openTelemetry}, when not null, replaces the configured tracing (tests). */
    static Observability start(SwitchboardConfig.Observability config, OpenTelemetry openTelemetry) {
        PrometheusMeterRegistry registry = null;
        JvmGcMetrics gc = null;
        if (config.metrics().enabled()) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            gc = new JvmGcMetrics();
            gc.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
        }
        OpenTelemetrySdk sdk = null;
        Tracing tracing;
        if (openTelemetry != null) {
            tracing = new Tracing(openTelemetry);
        } else if (config.tracing().enabled()) {
            sdk = sdk(config.tracing());
            tracing = new Tracing(sdk);
            log.info("tracing: spans go to {} over OTLP/HTTP (service {}, sample ratio {})",
                    tracesUrl(config.tracing().otlpEndpoint()), config.tracing().serviceName(),
                    config.tracing().sampleRatio());
        } else {
            tracing = Tracing.OFF;
        }
        return new Observability(registry, gc, sdk, tracing,
                new AccessLog(config.accessLog().enabled(), config.accessLog().json()));
    }

    private static OpenTelemetrySdk sdk(SwitchboardConfig.Tracing config) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(tracesUrl(config.otlpEndpoint()))
                .build();
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(ServiceAttributes.SERVICE_NAME, config.serviceName()))))
                // a caller's sampling decision wins; our own roots are sampled at the configured ratio
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** The OTLP/HTTP traces URL of a collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT means it. */
    static String tracesUrl(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return base.endsWith("/v1/traces") ? base : base + "/v1/traces";
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    Tracing tracing() {
        return tracing;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    /** The registry behind {@code /metrics}; null when metrics are off. */
    io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    boolean metricsEnabled() {
        return registry != null;
    }

    /** What Vert.x should measure for us (the upstream client's connections); null when metrics are off. */
    io.vertx.core.spi.VertxMetricsFactory vertxMetrics() {
        return registry == null ? null : options -> new UpstreamConnectionMetrics(metrics);
    }

    /** Every meter in the Prometheus text format; walks all series, so call it off the event loop. */
    String scrape() {
        return registry.scrape(PROMETHEUS_TEXT);
    }

    /** Flushes spans still buffered and unhooks the JVM meters. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(5, TimeUnit.SECONDS);
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
