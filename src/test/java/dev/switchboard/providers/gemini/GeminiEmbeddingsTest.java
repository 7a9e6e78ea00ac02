package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeminiEmbeddingsTest {
    private static final byte[] ANSWER = "{\"embeddings\":[{\"values\":[0.25,-0.5,3.0]}]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void base64IsLittleEndianFloat32AsOpenAiSendsIt() {
        JsonNode list = Json.parse(GeminiEmbeddings.response(ANSWER, "gemini-embedding-001", true));

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(list.at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {bytes.getFloat(), bytes.getFloat(), bytes.getFloat()}).containsExactly(0.25f, -0.5f, 3.0f);
        assertThat(bytes.hasRemaining()).isFalse();
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("model").asText()).isEqualTo("gemini-embedding-001");
    }

    @Test
    void aSingleStringIsOneRequestWithoutDimensionsUnlessAsked() {
        JsonNode batch = Json.parse(GeminiEmbeddings.request(
                "{\"model\":\"x\",\"input\":\"hello\"}".getBytes(StandardCharsets.UTF_8), "models/x"));
        assertThat(batch).isEqualTo(Json.parse(
                "{\"requests\":[{\"model\":\"models/x\",\"content\":{\"parts\":[{\"text\":\"hello\"}]}}]}"));
    }

    @Test
    void anAnswerWithoutEmbeddingsIsUnusable() {
        assertThatThrownBy(() -> GeminiEmbeddings.response("{\"candidates\":[]}".getBytes(StandardCharsets.UTF_8), "m", false))
                .isInstanceOf(GeminiFormatException.class);
        assertThatThrownBy(() -> GeminiEmbeddings.response("not json".getBytes(StandardCharsets.UTF_8), "m", false))
                .isInstanceOf(GeminiFormatException.class);
    }
}
