package dev.switchboard.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;

import java.util.Iterator;
import java.util.Map;

/**
 * Merges a preset into a request body, as OpenRouter documents it (features/presets.mdx): the two
 * are shallow-merged and the request's members win; {@code provider} is merged member by member
 * (the request's win); {@code tools} are unioned, a request tool replacing the preset's tool of the
 * same identity; the preset's system prompt comes first. The model is the request's own when it
 * names one ({@code MODEL@preset/NAME}), else the preset's. The {@code preset} member is removed, so
 * it never reaches an upstream. Pure: the body is changed in place, the preset never.
 */
public final class PresetMerge {

    /** The inbound API a body belongs to: each takes the preset's members under its own names. */
    public enum Api {
        CHAT, MESSAGES, RESPONSES
    }

    private PresetMerge() {
    }

    /** Merges {@code preset}, referenced as {@code reference}, into {@code body} of {@code api}. */
    public static void apply(Api api, ObjectNode body, PresetReference reference, Preset preset) {
        body.remove("preset");
        if (body.path("model").isTextual()) {
            body.remove("model");
            if (reference.model() != null) {
                body.put("model", reference.model());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = preset.config().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String name = PresetMembers.nameIn(api, member.getKey());
            if (name != null) {
                merge(body, name, PresetMembers.valueIn(api, member.getKey(), member.getValue()));
            }
        }
        if (!body.hasNonNull("model") && !body.hasNonNull("models")) {
            throw new InvalidRequestException("model", "model: preset \"" + preset.name() + "\" names no model; name "
                    + "one in the request (\"openai/gpt-4.1@preset/" + preset.name() + "\") or in the preset's config");
        }
        if (preset.systemPrompt() != null) {
            SystemPrompts.prepend(api, body, preset.systemPrompt());
        }
    }

    private static void merge(ObjectNode body, String name, JsonNode presetValue) {
        JsonNode requested = body.get(name);
        if (requested == null) {
            body.set(name, presetValue.deepCopy());
        } else if (name.equals("provider") && requested.isObject() && presetValue.isObject()) {
            ObjectNode merged = presetValue.deepCopy();
            merged.setAll((ObjectNode) requested);
            body.set(name, merged);
        } else if (name.equals("tools") && requested.isArray() && presetValue.isArray()) {
            body.set(name, ToolUnion.of((ArrayNode) presetValue, (ArrayNode) requested));
        }
        // any other member the request sets itself wins
    }
}
