package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.presets.PresetMerge;
import dev.switchboard.presets.PresetReference;
import dev.switchboard.presets.Presets;
import dev.switchboard.protocol.Json;

import java.util.function.Consumer;

/**
 * Applies the preset an inference request references ({@code @preset/NAME} in its model, or its
 * {@code preset} member) before the request is decoded: the merged body goes on as if the client
 * had sent it. A body without the word {@code preset} goes on untouched, unparsed.
 */
final class InboundPresets {
    private final HttpEdge edge;
    private final Presets presets;

    InboundPresets(HttpEdge edge, Presets presets) {
        this.edge = edge;
        this.presets = presets;
    }

    /** {@code handler}, served the call with its body merged with the preset it references. */
    Route.Handler around(PresetMerge.Api api, Route.Handler handler) {
        return call -> apply(call, api, body -> handler.handle(body == call.body() ? call
                : new Route.Call(call.request(), call.exchange(), call.caller(), call.params(), body)));
    }

    /** Calls {@code then} with the call's body, merged with the preset it references if any. */
    void apply(Route.Call call, PresetMerge.Api api, Consumer<byte[]> then) {
        byte[] body = call.body();
        if (!PresetReference.mayReference(body)) {
            then.accept(body);
            return;
        }
        JsonNode json = InferenceRoutes.decoded(() -> Json.parseRequest(body));
        PresetReference reference = json instanceof ObjectNode object
                ? InferenceRoutes.decoded(() -> PresetReference.of(object)) : null;
        if (reference == null) {
            then.accept(body);
            return;
        }
        ObjectNode object = (ObjectNode) json;
        edge.when(call.request(), presets.find(reference.name()), found -> {
            var preset = found.orElseThrow(() -> PresetRoutes.noSuchPreset(reference.name()));
            InferenceRoutes.decoded(() -> {
                PresetMerge.apply(api, object, reference, preset);
                return null;
            });
            then.accept(Json.bytes(object));
        });
    }
}
