package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.presets.PresetDefinition;
import dev.switchboard.presets.PresetName;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.MalformedJsonException;

import java.util.Iterator;
import java.util.Set;

/**
 * Decodes the bodies of {@code POST /presets} ({@code name}, {@code system_prompt}, {@code config})
 * and {@code PUT /presets/{name}} ({@code system_prompt}, {@code config}: the whole next version).
 * Everything is checked before anything is written; unknown members are refused by name.
 */
final class PresetRequests {
    private static final Set<String> CREATE_MEMBERS = Set.of("name", "system_prompt", "config");
    private static final Set<String> UPDATE_MEMBERS = Set.of("system_prompt", "config");

    /** A new preset: its name and first version. */
    record NewPreset(String name, PresetDefinition definition) {
    }

    private PresetRequests() {
    }

    static NewPreset create(byte[] body) {
        JsonNode json = object(body, CREATE_MEMBERS);
        JsonNode name = json.get("name");
        if (name == null || !name.isTextual()) {
            throw GatewayError.badRequest("name", "name: required, a preset name such as \"email-copywriter\"");
        }
        return new NewPreset(checked(() -> PresetName.require(name.asText(), "name")), definition(json));
    }

    static PresetDefinition update(byte[] body) {
        return definition(object(body, UPDATE_MEMBERS));
    }

    private static PresetDefinition definition(JsonNode json) {
        return checked(() -> PresetDefinition.of(json.get("system_prompt"), json.get("config")));
    }

    private static JsonNode object(byte[] body, Set<String> known) {
        JsonNode json = checked(() -> Json.parseRequest(body));
        if (!json.isObject()) {
            throw GatewayError.badRequest(null, "the body must be a JSON object");
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String member = it.next();
            if (!known.contains(member)) {
                throw GatewayError.badRequest(member, "unknown field \"" + member + "\" (expected one of: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return json;
    }

    private static <T> T checked(java.util.function.Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (MalformedJsonException e) {
            throw GatewayError.badRequest(null, e.getMessage());
        } catch (InvalidRequestException e) {
            throw GatewayError.badRequest(e.param(), e.getMessage());
        }
    }
}
