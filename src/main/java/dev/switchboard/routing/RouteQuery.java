package dev.switchboard.routing;

import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.openai.ProviderPreferences;

import java.util.List;
import java.util.Set;

/**
 * The facts of one request that routing decides on: the models to try (in order), the size of
 * the prompt, the output requested, which parameters were sent, the client's preferences, and the
 * kinds of input beyond text the messages carry ({@code image}, {@code file}, {@code audio}).
 */
public record RouteQuery(List<Model> models, PromptSize prompt, Long maxTokens, Set<String> parameters,
                         boolean hasTools, boolean hasResponseFormat, ProviderPreferences preferences,
                         Set<String> inputModalities) {

    /** A text-only request (embeddings, and callers that do not look at content parts). */
    public RouteQuery(List<Model> models, PromptSize prompt, Long maxTokens, Set<String> parameters, boolean hasTools,
                      boolean hasResponseFormat, ProviderPreferences preferences) {
        this(models, prompt, maxTokens, parameters, hasTools, hasResponseFormat, preferences, Set.of());
    }

    /** Prompt size: a cheap upper bound first, the tokenizer's exact count only when the bound is not enough. */
    public interface PromptSize {
        long upperBound();

        long tokens(String tokenizer);

        static PromptSize exactly(long tokens) {
            return new PromptSize() {
                public long upperBound() {
                    return tokens;
                }

                public long tokens(String tokenizer) {
                    return tokens;
                }
            };
        }
    }
}
