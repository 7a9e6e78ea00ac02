package dev.switchboard.server.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.Objects;
import java.util.Optional;

/**
 * The answers the admin had the gateway generate for a model page's example prompts, kept in this
 * node's memory (a restart forgets them; {@code output} in the configuration is the durable way) so
 * each is paid for once, not on every page view. Bounded; thread-safe.
 */
final class ExampleOutputs {
    static final int MAX_OUTPUTS = 1_000;

    /** One generated answer: its text, the model and provider that served it, and when (no key: the page names none). */
    record Generated(String text, String model, String provider, long atMillis) {
        Generated {
            Objects.requireNonNull(text, "text");
        }
    }

    private final Cache<String, Generated> outputs = Caffeine.newBuilder().maximumSize(MAX_OUTPUTS).build();

    Optional<Generated> find(String modelId, String prompt) {
        return Optional.ofNullable(outputs.getIfPresent(key(modelId, prompt)));
    }

    void put(String modelId, String prompt, Generated generated) {
        outputs.put(key(modelId, prompt), generated);
    }

    private static String key(String modelId, String prompt) {
        return modelId + '\n' + prompt;
    }
}
