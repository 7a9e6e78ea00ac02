package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The optional members of a chat request; null (or empty) means "not sent", so the gateway's and
 * model's defaults apply. {@code toolChoice} is {@code auto}, {@code none}, {@code required} or the
 * name of one tool. {@code provider} is OpenRouter's routing object ({@code order}, {@code sort},
 * {@code max_price}, ...), {@code models} the fallback list, and {@code extra} any other member,
 * sent as given (it wins over the typed ones).
 */
public record ChatOptions(Double temperature, Integer maxTokens, Double topP, List<Tool> tools, String toolChoice,
                          JsonNode responseFormat, Map<String, Object> provider, List<String> models,
                          Map<String, Object> extra) {
    private static final ChatOptions NONE = builder().build();

    public ChatOptions {
        tools = List.copyOf(tools);
        provider = Map.copyOf(provider);
        models = List.copyOf(models);
        extra = Map.copyOf(extra);
    }

    /** No options: every default applies. */
    public static ChatOptions defaults() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some. */
    public Builder toBuilder() {
        Builder b = new Builder().temperature(temperature).maxTokens(maxTokens).topP(topP).toolChoice(toolChoice)
                .responseFormat(responseFormat).models(models);
        b.tools.addAll(tools);
        b.provider.putAll(provider);
        b.extra.putAll(extra);
        return b;
    }

    /** Not thread-safe; {@link #build()} makes the immutable options. */
    public static final class Builder {
        private Double temperature;
        private Integer maxTokens;
        private Double topP;
        private final List<Tool> tools = new ArrayList<>();
        private String toolChoice;
        private JsonNode responseFormat;
        private final Map<String, Object> provider = new LinkedHashMap<>();
        private List<String> models = List.of();
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            if (maxTokens != null && maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: >= 1)");
            }
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        public Builder tool(Tool tool) {
            tools.add(requireNonNull(tool, "tool"));
            return this;
        }

        public Builder tools(List<Tool> tools) {
            this.tools.clear();
            this.tools.addAll(tools);
            return this;
        }

        public Builder toolChoice(String toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /** E.g. {@code {"type": "json_object"}} or a {@code json_schema} format. */
        public Builder responseFormat(JsonNode responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /** One member of the {@code provider} routing object, e.g. {@code provider("sort", "price")}. */
        public Builder provider(String member, Object value) {
            provider.put(requireNonNull(member, "member"), requireNonNull(value, "value"));
            return this;
        }

        /** Models to fall back to, in order, when the first cannot serve. */
        public Builder models(List<String> models) {
            this.models = List.copyOf(models);
            return this;
        }

        /** Any other request member (e.g. {@code seed}, {@code stop}, {@code user}), sent as given. */
        public Builder extra(String member, Object value) {
            extra.put(requireNonNull(member, "member"), requireNonNull(value, "value"));
            return this;
        }

        public ChatOptions build() {
            return new ChatOptions(temperature, maxTokens, topP, tools, toolChoice, responseFormat, provider, models, extra);
        }
    }
}
