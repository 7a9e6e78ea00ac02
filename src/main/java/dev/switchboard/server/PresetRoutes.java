package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.presets.PresetCapture;
import dev.switchboard.presets.PresetDefinition;
import dev.switchboard.presets.PresetMerge;
import dev.switchboard.presets.PresetName;
import dev.switchboard.presets.Presets;
import dev.switchboard.protocol.Json;

/**
 * The admin key's preset management ({@code /presets}), listed in {@link HttpEdge}'s route table.
 * Store work runs on the presets' threads; answers are written back on the event loop.
 */
final class PresetRoutes {
    private final HttpEdge edge;
    private final Presets presets;

    PresetRoutes(HttpEdge edge, Presets presets) {
        this.edge = edge;
        this.presets = presets;
    }

    void list(Route.Call call) {
        edge.when(call.request(), presets.list(), all -> HttpEdge.sendJson(call.request().response(), 200,
                PresetJson.list(all)));
    }

    void create(Route.Call call) {
        PresetRequests.NewPreset created = PresetRequests.create(call.body());
        edge.when(call.request(), presets.create(created.name(), created.definition()), preset -> {
            if (preset.isEmpty()) {
                throw new GatewayError(409, "conflict", "Preset \"" + created.name() + "\" already exists; "
                        + "PUT /presets/" + created.name() + " makes a new version of it", "name", null, null);
            }
            HttpEdge.sendJson(call.request().response(), 201, PresetJson.one(preset.get()));
        });
    }

    void get(Route.Call call) {
        String name = name(call);
        edge.when(call.request(), presets.read(name), preset -> HttpEdge.sendJson(call.request().response(), 200,
                PresetJson.one(preset.orElseThrow(() -> noSuchPreset(name)))));
    }

    /** The body is the whole next version: what it leaves out, the new version does not have. */
    void update(Route.Call call) {
        String name = name(call);
        var definition = PresetRequests.update(call.body());
        edge.when(call.request(), presets.update(name, definition), preset -> HttpEdge.sendJson(
                call.request().response(), 200, PresetJson.one(preset.orElseThrow(() -> noSuchPreset(name)))));
    }

    /**
     * {@code POST /presets/{name}/chat/completions} (and {@code /messages}, {@code /responses}): the
     * body of an inference request becomes the preset's next version (the first when it is new).
     */
    Route.Handler capture(PresetMerge.Api api) {
        return call -> {
            String name = InferenceRoutes.decoded(() -> PresetName.require(call.param(0), "name"));
            JsonNode body = InferenceRoutes.decoded(() -> Json.parseRequest(call.body()));
            if (!(body instanceof ObjectNode object)) {
                throw GatewayError.badRequest(null, "the body must be a JSON object (an inference request)");
            }
            PresetDefinition definition = InferenceRoutes.decoded(() -> PresetCapture.of(api, object));
            edge.when(call.request(), presets.save(name, definition), preset -> HttpEdge.sendJson(
                    call.request().response(), 200, PresetJson.one(preset)));
        };
    }

    void delete(Route.Call call) {
        String name = name(call);
        edge.when(call.request(), presets.delete(name), deleted -> {
            if (!deleted) {
                throw noSuchPreset(name);
            }
            HttpEdge.sendJson(call.request().response(), 200, Json.object().put("deleted", true));
        });
    }

    void versions(Route.Call call) {
        String name = name(call);
        edge.when(call.request(), presets.versions(name), versions -> {
            if (versions.isEmpty()) {
                throw noSuchPreset(name);
            }
            HttpEdge.sendJson(call.request().response(), 200, PresetJson.versions(versions));
        });
    }

    void version(Route.Call call) {
        String name = name(call);
        int number;
        try {
            number = Integer.parseInt(call.param(1));
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1) {
            throw GatewayError.badRequest("version", "version must be a whole number of at least 1 (got \""
                    + shortened(call.param(1)) + "\")");
        }
        int wanted = number;
        edge.when(call.request(), presets.version(name, wanted), version -> HttpEdge.sendJson(call.request().response(),
                200, PresetJson.version(version.orElseThrow(() -> GatewayError.notFound("Preset \"" + name
                        + "\" has no version " + wanted)))));
    }

    /** The path's preset name; one that cannot be a name cannot exist either. */
    private static String name(Route.Call call) {
        String name = call.param(0);
        if (!PresetName.valid(name)) {
            throw noSuchPreset(name);
        }
        return name;
    }

    static GatewayError noSuchPreset(String name) {
        return GatewayError.notFound("Preset \"" + shortened(name) + "\" does not exist");
    }

    private static String shortened(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
