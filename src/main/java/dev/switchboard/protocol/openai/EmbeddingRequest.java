package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.MalformedJsonException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI embeddings request ({@code POST /v1/embeddings}): {@code model} (or {@code models}),
 * {@code input} as a string, a list of strings, a list of token ids or a list of token-id lists,
 * and optional {@code encoding_format}, {@code dimensions}, {@code user}. Every other field passes
 * to the upstream unchanged; Switchboard's routing extensions do not.
 */
public final class EmbeddingRequest {
    private final ObjectNode body;
    private final String model;
    private final List<String> models;
    private final ProviderPreferences provider;

    private EmbeddingRequest(ObjectNode body, String model, List<String> models, ProviderPreferences provider) {
        this.body = body;
        this.model = model;
        this.models = models;
        this.provider = provider;
    }

    /**
     * Decodes and validates a request body.
     *
     * @throws MalformedJsonException when the body is not JSON
     * @throws InvalidRequestException when a field is missing or has the wrong type
     */
    public static EmbeddingRequest decode(byte[] json) {
        JsonNode root = Json.parseRequest(json);
        if (!(root instanceof ObjectNode body)) {
            throw new InvalidRequestException(null, "the body must be a JSON object");
        }
        JsonNode modelNode = body.get("model");
        if (modelNode != null && !modelNode.isNull() && !modelNode.isTextual()) {
            throw new InvalidRequestException("model", "model: expected a string");
        }
        List<String> models = new ArrayList<>();
        JsonNode modelsNode = body.get("models");
        if (modelsNode != null && !modelsNode.isNull()) {
            if (!modelsNode.isArray()) {
                throw new InvalidRequestException("models", "models: expected a list of model ids");
            }
            for (JsonNode m : modelsNode) {
                if (!m.isTextual()) {
                    throw new InvalidRequestException("models", "models: expected a list of model ids");
                }
                models.add(m.asText());
            }
        }
        String model = modelNode == null || modelNode.isNull() ? null : modelNode.asText();
        if (model == null && models.isEmpty()) {
            throw new InvalidRequestException("model", "model: required (a model id such as \"openai/text-embedding-3-small\")");
        }
        checkInput(body.get("input"));
        JsonNode providerNode = body.get("provider");
        ProviderPreferences provider = ProviderPreferences.NONE;
        if (providerNode != null && !providerNode.isNull()) {
            if (!(providerNode instanceof ObjectNode preferences)) {
                throw new InvalidRequestException("provider", "provider: expected an object");
            }
            provider = ProviderPreferencesDecoder.decode(preferences);
        }
        return new EmbeddingRequest(body, model, List.copyOf(models), provider);
    }

    private static void checkInput(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidRequestException("input", "input: required (a string or a list of strings)");
        }
        if (input.isTextual()) {
            return;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidRequestException("input", "input: expected a string or a non-empty list");
        }
        for (JsonNode item : input) {
            boolean tokens = item.isArray() && item.valueStream().allMatch(JsonNode::isIntegralNumber);
            if (!item.isTextual() && !item.isIntegralNumber() && !tokens) {
                throw new InvalidRequestException("input", "input: expected strings, token ids or lists of token ids");
            }
        }
    }

    public String model() {
        return model != null ? model : models.getFirst();
    }

    /** Model ids to try in order: {@code model} then the {@code models} fallbacks, without repeats. */
    public List<String> modelsToTry() {
        return ChatRequest.modelsToTry(model, models);
    }

    public ProviderPreferences provider() {
        return provider;
    }

    public String user() {
        JsonNode user = body.get("user");
        return user != null && user.isTextual() ? user.asText() : null;
    }

    /** Names of every top-level field the client sent. */
    public Set<String> parameters() {
        Set<String> names = new LinkedHashSet<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The texts to embed (token-id inputs count as their number of ids, see {@link #tokenIds()}). */
    public List<String> texts() {
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            for (JsonNode item : input) {
                if (item.isTextual()) {
                    texts.add(item.asText());
                }
            }
        }
        return texts;
    }

    /** How many token ids were sent as ids rather than text. */
    public long tokenIds() {
        JsonNode input = body.get("input");
        long ids = 0;
        for (JsonNode item : input) {
            if (item.isIntegralNumber()) {
                ids++;
            } else if (item.isArray()) {
                ids += item.size();
            }
        }
        return ids;
    }

    /** The body for an upstream: {@code model} rewritten, Switchboard's extensions left out. */
    public byte[] toUpstream(String upstreamModel) {
        ObjectNode out = body.deepCopy();
        ChatRequest.EXTENSIONS.forEach(out::remove);
        out.put("model", upstreamModel);
        return Json.bytes(out);
    }
}
