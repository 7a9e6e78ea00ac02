package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Set;

/**
 * Reads which kinds of input beyond text a message's content parts carry, while the request is
 * scanned once: {@code image_url} is {@code image}, {@code input_audio} {@code audio}, {@code file}
 * {@code file} and {@code video_url} {@code video} (OpenRouter's multimodal parts). Anthropic and
 * Responses requests arrive here already translated to these parts.
 */
final class InputParts {

    private InputParts() {
    }

    /** Consumes a content array (the parser on its START_ARRAY) and adds the modalities found to {@code into}. */
    static void scan(JsonParser p, Set<String> into) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("type") && value == JsonToken.VALUE_STRING) {
                    String modality = modality(p.getText());
                    if (modality != null) {
                        into.add(modality);
                    }
                }
                p.skipChildren();
            }
        }
    }

    private static String modality(String partType) {
        return switch (partType) {
            case "image_url" -> "image";
            case "input_audio" -> "audio";
            case "file" -> "file";
            case "video_url" -> "video";
            default -> null;
        };
    }
}
