package dev.switchboard.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;

import java.nio.charset.StandardCharsets;

/**
 * A request's reference to a preset, in one of OpenRouter's three forms: {@code "model": "@preset/NAME"},
 * {@code "model": "MODEL@preset/NAME"} or {@code "preset": "NAME"} (features/presets.mdx, "Using Presets").
 *
 * @param name  the preset's name
 * @param model the model the request names itself, or null when it leaves the model to the preset
 */
public record PresetReference(String name, String model) {
    public static final String MODEL_MARK = "@preset/";
    private static final byte[] WORD = "preset".getBytes(StandardCharsets.US_ASCII);

    /**
     * True when a body may reference a preset: it contains the word at all. Lets the bodies of
     * almost every request skip the parse that {@link #of} needs.
     */
    public static boolean mayReference(byte[] body) {
        outer:
        for (int i = 0, last = body.length - WORD.length; i <= last; i++) {
            for (int j = 0; j < WORD.length; j++) {
                if (body[i + j] != WORD[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The preset a request body references, or null when it references none.
     *
     * @throws InvalidRequestException when {@code preset} or the model's preset part is malformed, or the two
     *                                 name different presets
     */
    public static PresetReference of(ObjectNode body) {
        String fromField = field(body.get("preset"));
        JsonNode modelNode = body.get("model");
        String model = modelNode != null && modelNode.isTextual() ? modelNode.asText() : null;
        String fromModel = null;
        if (model != null) {
            int mark = model.indexOf(MODEL_MARK);
            if (mark >= 0) {
                fromModel = PresetName.require(model.substring(mark + MODEL_MARK.length()), "model");
                model = mark == 0 ? null : model.substring(0, mark);
            }
        }
        if (fromField != null && fromModel != null && !fromField.equals(fromModel)) {
            throw new InvalidRequestException("preset", "preset: \"" + fromField + "\" and the model's \"@preset/"
                    + fromModel + "\" name different presets; name one");
        }
        String name = fromField != null ? fromField : fromModel;
        return name == null ? null : new PresetReference(name, model);
    }

    private static String field(JsonNode preset) {
        if (preset == null || preset.isNull()) {
            return null;
        }
        if (!preset.isTextual()) {
            throw new InvalidRequestException("preset", "preset: expected a preset name (a string)");
        }
        String name = preset.asText();
        // "@preset/x" as the model form writes it
        if (name.startsWith(MODEL_MARK)) {
            name = name.substring(MODEL_MARK.length());
        }
        return PresetName.require(name, "preset");
    }
}
