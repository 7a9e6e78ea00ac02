package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.presets.Preset;
import dev.switchboard.presets.Presets;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.PresetVersion;

import java.time.Instant;
import java.util.List;

/**
 * Presets as the admin API answers them, in OpenRouter's shapes (its OpenAPI {@code Preset},
 * {@code PresetDesignatedVersion}): the preset with its designated (latest) version inline.
 */
final class PresetJson {

    private PresetJson() {
    }

    static ObjectNode one(Preset preset) {
        ObjectNode json = Json.object();
        json.set("data", preset(preset));
        return json;
    }

    static ObjectNode list(List<Preset> presets) {
        ObjectNode json = Json.object();
        ArrayNode data = json.putArray("data");
        presets.forEach(p -> data.add(preset(p)));
        json.put("total_count", presets.size());
        return json;
    }

    static ObjectNode versions(List<PresetVersion> versions) {
        ObjectNode json = Json.object();
        ArrayNode data = json.putArray("data");
        versions.forEach(v -> data.add(version(v.name(), v.version(), v.systemPrompt(), Presets.config(v.config()),
                v.createdAt())));
        json.put("total_count", versions.size());
        return json;
    }

    static ObjectNode version(PresetVersion v) {
        ObjectNode json = Json.object();
        json.set("data", version(v.name(), v.version(), v.systemPrompt(), Presets.config(v.config()), v.createdAt()));
        return json;
    }

    private static ObjectNode preset(Preset p) {
        ObjectNode json = Json.object();
        json.put("id", p.name());
        json.put("name", p.name());
        json.put("slug", p.name());
        json.put("status", "active");
        json.put("designated_version_id", versionId(p.name(), p.version()));
        json.put("created_at", time(p.createdAt()));
        json.put("updated_at", time(p.updatedAt()));
        json.set("designated_version", version(p.name(), p.version(), p.systemPrompt(), p.config(), p.updatedAt()));
        return json;
    }

    private static ObjectNode version(String name, int version, String systemPrompt, ObjectNode config, long createdAt) {
        ObjectNode json = Json.object();
        json.put("id", versionId(name, version));
        json.put("preset_id", name);
        json.put("version", version);
        json.put("system_prompt", systemPrompt);
        json.set("config", config.deepCopy());
        json.put("created_at", time(createdAt));
        return json;
    }

    /** Versions are named by preset and number: {@code email-copywriter@3}. */
    private static String versionId(String name, int version) {
        return name + "@" + version;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
