package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI embeddings requests as Gemini {@code batchEmbedContents} (generative_service.proto:
 * {@code requests[] {model, content.parts[].text, outputDimensionality}}) and the answer
 * ({@code embeddings[].values}) back as an OpenAI list. Gemini embeds text only: token-id inputs
 * are refused. Gemini reports no token counts for embeddings, so the gateway counts them. Pure.
 */
final class GeminiEmbeddings {
    private GeminiEmbeddings() {
    }

    /** The batch request for an OpenAI embeddings body already addressed to {@code resource} ({@code models/...}). */
    static byte[] request(byte[] openAiBody, String resource) {
        JsonNode body = Json.parse(openAiBody);
        JsonNode input = body.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw new InvalidRequestException("input", "input: Gemini embeds text only; send strings, not token ids");
                }
                texts.add(item.asText());
            }
        }
        ObjectNode out = Json.object();
        ArrayNode requests = out.putArray("requests");
        for (String text : texts) {
            ObjectNode one = requests.addObject().put("model", resource);
            one.putObject("content").putArray("parts").addObject().put("text", text);
            if (body.path("dimensions").canConvertToInt()) {
                one.put("outputDimensionality", body.path("dimensions").asInt());
            }
        }
        return Json.bytes(out);
    }

    /**
     * The OpenAI list for a batch answer; {@code base64} encodes each vector as OpenAI does
     * (little-endian float32), for clients that ask for {@code encoding_format: base64}.
     *
     * @throws GeminiFormatException when the answer has no embeddings list
     */
    static byte[] response(byte[] geminiBody, String model, boolean base64) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(geminiBody);
        } catch (IOException e) {
            throw new GeminiFormatException("provider answered with invalid JSON: " + e.getMessage(), false);
        }
        if (body == null || !body.path("embeddings").isArray()) {
            throw new GeminiFormatException("provider answered without an embeddings list", false);
        }
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        int index = 0;
        for (JsonNode embedding : body.get("embeddings")) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", index++);
            JsonNode values = embedding.path("values");
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                values.forEach(v -> bytes.putFloat(v.floatValue()));
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                item.set("embedding", values.isArray() ? values : Json.MAPPER.createArrayNode());
            }
        }
        out.put("model", model);
        return Json.bytes(out);
    }
}
