package dev.switchboard.protocol.openai;

import dev.switchboard.protocol.ByteSink;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Canonical chunks as legacy {@code text_completion} events. */
class TextCompletionsTest {
    private static final String HEAD = "{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\",\"provider\":\"P\",";

    private static String encode(String... chunks) {
        TextCompletions encoder = new TextCompletions();
        ByteSink out = new ByteSink(256);
        for (String chunk : chunks) {
            encoder.chunk(chunk.getBytes(StandardCharsets.UTF_8), out);
        }
        encoder.done(out);
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void textAndTheFinishGoOutAndTheRoleAndReasoningDoNot() {
        String sse = encode(
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"hm\"},\"finish_reason\":null}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2,\"cost\":0.1}}");

        assertThat(sse).isEqualTo("""
                data: {"id":"gen-1","object":"text_completion","created":7,"model":"m","provider":"P","choices":[{"text":"Hi","index":0,"logprobs":null,"finish_reason":null}]}

                data: {"id":"gen-1","object":"text_completion","created":7,"model":"m","provider":"P","choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}

                data: {"id":"gen-1","object":"text_completion","created":7,"model":"m","provider":"P","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"cost":0.1}}

                data: [DONE]

                """);
    }

    @Test
    void anErrorChunkKeepsItsError() {
        String sse = encode(HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}],"
                + "\"error\":{\"code\":502,\"message\":\"upstream broke\"}}");

        assertThat(sse).contains("\"finish_reason\":\"error\"").contains("\"error\":{\"code\":502,\"message\":\"upstream broke\"}")
                .endsWith("data: [DONE]\n\n");
    }
}
