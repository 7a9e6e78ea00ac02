package dev.switchboard.routing;

import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.openai.ProviderPreferences;

import java.util.List;
import java.util.Set;

/**
 * The facts of one request that routing decides on: the models to try (in order), the size of
 * the prompt, the output requested, which parameters were sent, and the client's preferences.
 */
public record RouteQuery(List<Model> models, PromptSize prompt, Long maxTokens, Set<String> parameters,
                         boolean hasTools, boolean hasResponseFormat, ProviderPreferences preferences) {

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
