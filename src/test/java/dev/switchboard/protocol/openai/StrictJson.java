package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.switchboard.protocol.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Test helper: parses with the product's number handling but fails on duplicate keys. */
final class StrictJson {
    private static final ObjectReader READER = Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private StrictJson() {
    }

    static JsonNode parse(byte[] json) {
        try {
            return READER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not valid JSON (or a duplicate key): " + e.getMessage()
                    + "\n" + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
