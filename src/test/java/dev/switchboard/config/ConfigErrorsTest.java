package dev.switchboard.config;

import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.catalog.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A bad file fails with its file, line, field and what was expected (DESIGN.md §3), from loading or building. */
class ConfigErrorsTest {
    private static final Set<Protocol> IMPLEMENTED = Set.of(Protocol.OPENAI, Protocol.AZURE, Protocol.ANTHROPIC,
            Protocol.DEMO);

    private static void loadAndBuild(String yaml) {
        CatalogFactory.build(new ConfigLoader(Map.of()).load("switchboard.yaml", yaml), IMPLEMENTED);
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                arguments("unknown field", """
                        server:
                          prot: 8080
                        """, 2, "server.prot",
                        "unknown field (expected one of: cors, event_loops, header_timeout_ms, host, http2_cleartext, idle_timeout_ms, "
                                + "max_body_bytes, max_connections, port, shutdown_grace_ms, stream_keepalive_ms, transport)"),
                arguments("unknown top-level field", """
                        # settings
                        servers: {}
                        """, 2, "servers",
                        "unknown field (expected one of: auth, models, observability, plugins, providers, routing, server, storage)"),
                arguments("unknown endpoint field", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            endpoints:
                              - provider: demo
                                deployment: x
                        """, 6, "models[0].endpoints[0].deployment", "unknown field (expected one of: "),
                arguments("redis prefix with a space", """
                        storage:
                          redis: redis://127.0.0.1:6379
                          redis_prefix: "my cluster"
                        """, 3, "storage.redis_prefix",
                        "expected 1 to 100 letters, digits or _ . : - (got \"my cluster\")"),
                arguments("string for an integer", """
                        server:
                          host: 0.0.0.0
                          port: eighty
                        """, 3, "server.port", "expected an integer (got \"eighty\")"),
                arguments("string for a model integer", """
                        models:
                          - id: acme/widget
                            context_length: twelve
                        """, 3, "models[0].context_length", "expected an integer (got \"twelve\")"),
                arguments("list for a mapping", """
                        storage: {}
                        server: [127.0.0.1, 8080]
                        """, 2, "server", "expected a mapping"),
                arguments("mapping for a list", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            endpoints: { provider: demo }
                        """, 4, "models[0].endpoints", "expected a list"),
                arguments("unknown Redis outage policy", """
                        storage:
                          redis: redis://127.0.0.1:6379
                          redis_down: wait
                        """, 3, "storage.redis_down", "expected refuse or local (got \"wait\")"),
                arguments("no cluster nodes", """
                        storage:
                          cluster_nodes: 0
                        """, 2, "storage.cluster_nodes", "at least 1 (got 0)"),
                arguments("unknown access log format", """
                        observability:
                          access_log:
                            format: xml
                        """, 3, "observability.access_log.format", "expected text or json (got \"xml\")"),
                arguments("sample ratio above 1", """
                        observability:
                          tracing: { otlp_endpoint: "http://127.0.0.1:4318", sample_ratio: 1.5 }
                        """, 2, "observability.tracing.sample_ratio", "expected a number from 0 to 1 (got 1.5)"),
                arguments("collector without a scheme", """
                        observability:
                          tracing:
                            otlp_endpoint: collector:4318
                        """, 3, "observability.tracing.otlp_endpoint", "expected an http:// or https:// URL"),
                arguments("unknown metrics field", """
                        observability:
                          metrics: { enabled: true, path: /prom }
                        """, 2, "observability.metrics.path", "unknown field (expected one of: enabled)"),
                arguments("header timeout not positive", """
                        server:
                          header_timeout_ms: 0
                        """, 2, "server.header_timeout_ms", "expected a positive number (got 0)"),
                arguments("connection limit not a number", """
                        server:
                          max_connections: lots
                        """, 2, "server.max_connections", "expected an integer (got \"lots\")"),
                arguments("cors origin with a path", """
                        server:
                          cors:
                            allowed_origins: [ "https://app.example", "https://app.example/chat" ]
                        """, 3, "server.cors.allowed_origins[1]", "expected an origin such as https://app.example.com"),
                arguments("duplicate key", """
                        server:
                          host: a
                          host: b
                        """, 3, "server.host", "duplicate key"),
                arguments("breaker error rate out of range", """
                        routing:
                          breaker:
                            max_error_rate: 50
                        """, 3, "routing.breaker.max_error_rate", "expected a fraction between 0 and 1"),
                arguments("breaker open longer than its cap", """
                        routing:
                          breaker: { open_ms: 60000, max_open_ms: 1000 }
                        """, 2, "routing.breaker.max_open_ms", "expected at least open_ms (60000), got 1000"),
                arguments("breaker threshold not positive", """
                        routing:
                          breaker:
                            consecutive_failures: 0
                        """, 3, "routing.breaker.consecutive_failures", "expected a positive number (got 0)"),
                arguments("malformed variable", """
                        providers:
                          - id: mine
                            protocol: openai
                            api_key: ${MY_KEY
                        """, 4, "providers[0].api_key", "malformed variable reference"),
                arguments("bad protocol", """
                        providers:
                          - id: mine
                            protocol: opnai
                            base_url: http://localhost:8000/v1
                        """, 3, "providers[0].protocol",
                        "expected one of openai, azure, anthropic, gemini, bedrock, demo (got \"opnai\")"),
                arguments("base_url without a scheme", """
                        providers:
                          - id: mine
                            protocol: openai
                            base_url: localhost:8000/v1
                        """, 4, "providers[0].base_url", "expected an http:// or https:// URL"),
                arguments("base_url that is not a URL", """
                        providers:
                          - id: mine
                            protocol: openai
                            base_url: http://local host/v1
                        """, 4, "providers[0].base_url", "not a valid URL"),
                arguments("responses_api that is not a boolean", """
                        providers:
                          - id: mine
                            protocol: openai
                            base_url: http://localhost:8000/v1
                            responses_api: sometimes
                        """, 5, "providers[0].responses_api", "expected true or false (got \"sometimes\")"),
                arguments("responses_api on a protocol that cannot send it", """
                        providers:
                          - id: mine
                            protocol: anthropic
                            base_url: http://localhost:8000
                            responses_api: true
                        """, 5, "providers[0].responses_api",
                        "only for providers with protocol openai or azure (this one is anthropic)"),
                arguments("endpoint of an unknown provider", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            endpoints:
                              - provider: demo
                              - provider: nope
                        """, 6, "models[0].endpoints[1].provider", "unknown provider \"nope\" (known: amazon-bedrock, anthropic, azure"),
                arguments("model id without an author", """
                        models:
                          - context_length: 10
                            id: widget
                            endpoints: [{ provider: demo }]
                        """, 3, "models[0].id", "expected author/slug such as \"openai/gpt-4.1\" (got \"widget\")"),
                arguments("model without an id", """
                        models:
                          - name: Widget
                            context_length: 10
                            endpoints: [{ provider: demo }]
                        """, 2, "models[0].id", "required"),
                arguments("provider without an id", """
                        providers:
                          - protocol: openai
                            base_url: http://localhost:8000/v1
                        """, 2, "providers[0].id", "required"),
                arguments("bad value in an endpoint override of a built-in model", """
                        models:
                          - id: openai/gpt-4.1
                            endpoints:
                              - provider: azure
                                context_length: -5
                        """, 5, "models[0].endpoints[0].context_length", "expected a positive number (got -5)"),
                arguments("missing context_length", """
                        models:
                          - id: acme/widget
                            endpoints: [{ provider: demo }]
                        """, 2, "models[0].context_length", "required"),
                arguments("zero context_length", """
                        models:
                          - id: acme/widget
                            context_length: 0
                            endpoints: [{ provider: demo }]
                        """, 3, "models[0].context_length", "expected a positive number (got 0)"),
                arguments("negative model price", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            pricing:
                              prompt: 1
                              completion: -0.5
                            endpoints: [{ provider: demo }]
                        """, 6, "models[0].pricing.completion", "expected a price of 0 or more (USD)"),
                arguments("negative endpoint price", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            endpoints:
                              - provider: demo
                                pricing: { prompt: -1 }
                        """, 6, "models[0].endpoints[0].pricing.prompt", "expected a price of 0 or more (USD)"),
                arguments("unknown category", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            categories: [programming, cooking]
                            endpoints: [{ provider: demo }]
                        """, 4, "models[0].categories", "expected OpenRouter's categories"),
                arguments("negative 1-hour cache-write price", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            pricing:
                              prompt: 1
                              input_cache_write_1h: -2
                            endpoints: [{ provider: demo }]
                        """, 6, "models[0].pricing.input_cache_write_1h", "expected a price of 0 or more (USD)"),
                arguments("model without endpoints", """
                        models:
                          - id: acme/widget
                            context_length: 10
                        """, 2, "models[0].endpoints", "at least one endpoint is required"),
                arguments("bad created date", """
                        models:
                          - id: acme/widget
                            created: April 2025
                            context_length: 10
                            endpoints: [{ provider: demo }]
                        """, 3, "models[0].created", "expected a date YYYY-MM-DD (got \"April 2025\")"),
                arguments("port above the range", """
                        server:
                          port: 70000
                        """, 2, "server.port", "expected a port between 0 and 65535 (got 70000)"),
                arguments("negative port", """
                        server: { host: localhost,
                          port: -1 }
                        """, 2, "server.port", "expected a port between 0 and 65535 (got -1)"),
                arguments("duplicate model id", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            endpoints: [{ provider: demo }]
                          - id: acme/Widget
                            context_length: 20
                            endpoints: [{ provider: demo }]
                        """, 5, "models[1].id", "duplicate id \"acme/Widget\" (first defined at line 2)"),
                arguments("duplicate provider id", """
                        providers:
                          - { id: local, protocol: openai, base_url: "http://localhost:1" }
                          - { id: local, protocol: openai, base_url: "http://localhost:2" }
                        """, 3, "providers[1].id", "duplicate id \"local\" (first defined at line 2)"),
                arguments("alias claimed by two models", """
                        models:
                          - id: acme/widget
                            context_length: 10
                            aliases: [gpt-4-1]
                            endpoints: [{ provider: demo }]
                        """, 4, "models[0].aliases", "\"gpt-4-1\" already names model openai/gpt-4.1"),
                arguments("top level is not a mapping", """
                        - server
                        - models
                        """, 1, null, "expected a mapping at the top level"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void namesFileLineFieldAndWhatWasExpected(String what, String yaml, int line, String field, String expected) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loadAndBuild(yaml));

        assertThat(e).as(what).isNotNull();
        assertThat(e.file()).isEqualTo("switchboard.yaml");
        assertThat(e.line()).as("line").isEqualTo(line);
        assertThat(e.field()).as("field").isEqualTo(field);
        assertThat(e.problem()).contains(expected);
        assertThat(e.getMessage()).isEqualTo("switchboard.yaml:" + line + ": "
                + (field == null ? "" : field + ": ") + e.problem());
    }

    @Test
    void invalidYamlNamesTheFileAndLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loadAndBuild("""
                server: { host: a
                port: 1
                """));

        assertThat(e.file()).isEqualTo("switchboard.yaml");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).startsWith("switchboard.yaml:2: not valid YAML");
    }

    @Test
    void portZeroIsAllowedToPickAFreePort() {
        assertThat(new ConfigLoader(Map.of()).load("a.yaml", "server: { port: 0 }\n").server().port()).isZero();
    }

    @Test
    void theSameModelIdInTheUserFileAndTheBuiltInCatalogIsAnOverrideNotADuplicate() {
        assertThatCode(() -> loadAndBuild("""
                models:
                  - id: openai/gpt-4.1
                    context_length: 128000
                """)).doesNotThrowAnyException();
    }

    @Test
    void aProviderWhoseKeyIsUnsetIsDisabledNotAnError() {
        assertThatCode(() -> loadAndBuild("""
                providers:
                  - id: mine
                    protocol: openai
                    base_url: http://localhost:8000/v1
                    api_key: ${MY_KEY}
                """)).doesNotThrowAnyException();
    }
}
