package dev.switchboard.e2e;

import dev.switchboard.testing.FakeUpstream;

/** YAML snippets that point test providers at fake upstreams. */
final class Upstreams {
    private Upstreams() {
    }

    /** An OpenAI-protocol provider entry. */
    static String provider(String id, FakeUpstream upstream, String extra) {
        return """
                  - id: %s
                    name: %s
                    protocol: openai
                    base_url: %s
                    api_key: sk-provider-%s
                    data_policy: { training: false, retention_days: 0 }
                %s""".formatted(id, Character.toUpperCase(id.charAt(0)) + id.substring(1), upstream.baseUrl(), id,
                extra == null ? "" : extra.indent(4));
    }

    static String provider(String id, FakeUpstream upstream) {
        return provider(id, upstream, null);
    }

    /** A model served by the given providers, each with upstream model name {@code upstream-<provider>}. */
    static String model(String id, String... providers) {
        StringBuilder endpoints = new StringBuilder();
        for (String p : providers) {
            endpoints.append("      - { provider: ").append(p).append(", upstream_model: upstream-").append(p).append(" }\n");
        }
        return """
                  - id: %s
                    name: "Test: %s"
                    context_length: 100000
                    max_output_tokens: 4096
                    tokenizer: o200k_base
                    pricing: { prompt: 2, completion: 8, input_cache_read: 0.5 }
                    endpoints:
                %s""".formatted(id, id, endpoints);
    }
}
