package dev.switchboard.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Counts tokens with the model's tokenizer (jtokkit: o200k_base, cl100k_base). Models whose
 * tokenizer jtokkit lacks (Claude, Gemini, Llama, ...) are counted with o200k_base as an
 * estimate. Counts drive routing (does the prompt fit?) and stand in for usage only when an
 * upstream reports none; billing uses the provider's numbers.
 */
public final class TokenCounter {
    /** OpenAI: 85 tokens for a low-detail image, 765 for a 1024x1024 high-detail one; we assume the latter. */
    public static final int IMAGE_TOKENS = 765;
    /** Per-message framing of chat formats (OpenAI cookbook: 3 per message, 3 to prime the reply). */
    static final int TOKENS_PER_MESSAGE = 3;
    static final int REPLY_PRIMING = 3;

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private TokenCounter() {
    }

    /**
     * Loads the encodings of {@code tokenizers} (o200k_base takes ~2 s on first use); blocking,
     * for start-up off the event loop, so that no request pays for it.
     */
    public static void warmUp(Collection<String> tokenizers) {
        for (String tokenizer : tokenizers) {
            encoding(tokenizer).countTokensOrdinary("warm up");
        }
    }

    public static long count(String text, String tokenizer) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encoding(tokenizer).countTokensOrdinary(text);
    }

    /** Prompt tokens of a chat request: messages (text parts counted, images estimated) and tool definitions. */
    public static long countPrompt(JsonNode messages, JsonNode tools, String tokenizer) {
        Encoding encoding = encoding(tokenizer);
        long tokens = REPLY_PRIMING;
        if (messages != null) {
            for (JsonNode message : messages) {
                tokens += TOKENS_PER_MESSAGE;
                tokens += countText(encoding, message.path("role").asText(""));
                tokens += countContent(encoding, message.get("content"));
                if (message.has("name")) {
                    tokens += 1 + countText(encoding, message.path("name").asText(""));
                }
                JsonNode toolCalls = message.get("tool_calls");
                if (toolCalls != null && !toolCalls.isNull()) {
                    tokens += countText(encoding, toolCalls.toString());
                }
            }
        }
        if (tools != null && !tools.isNull()) {
            tokens += countText(encoding, tools.toString());
        }
        return tokens;
    }

    /**
     * Splits text into its tokens' strings, in order; a character whose UTF-8 bytes span several
     * tokens is kept whole in the last of them, so joining the pieces gives the text back.
     */
    public static List<String> split(String text, String tokenizer) {
        Encoding encoding = encoding(tokenizer);
        IntArrayList ids = encoding.encodeOrdinary(text);
        List<String> pieces = new ArrayList<>(ids.size());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        IntArrayList one = new IntArrayList(1);
        for (int i = 0; i < ids.size(); i++) {
            one.clear();
            one.add(ids.get(i));
            pending.writeBytes(encoding.decodeBytes(one));
            if (endsOnCharacterBoundary(pending.toByteArray())) {
                pieces.add(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else {
                pieces.add("");
            }
        }
        return pieces;
    }

    private static boolean endsOnCharacterBoundary(byte[] utf8) {
        int i = utf8.length - 1;
        int continuation = 0;
        while (i >= 0 && (utf8[i] & 0xC0) == 0x80) {
            continuation++;
            i--;
        }
        if (i < 0) {
            return continuation == 0;
        }
        int lead = utf8[i] & 0xFF;
        int expected = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return continuation == expected;
    }

    private static long countContent(Encoding encoding, JsonNode content) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return countText(encoding, content.asText());
        }
        long tokens = 0;
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text", "input_text" -> tokens += countText(encoding, part.path("text").asText(""));
                case "image_url", "image", "input_image" -> tokens += IMAGE_TOKENS;
                default -> tokens += countText(encoding, part.toString());
            }
        }
        return tokens;
    }

    private static long countText(Encoding encoding, String text) {
        return text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }

    private static Encoding encoding(String tokenizer) {
        EncodingType type = "cl100k_base".equalsIgnoreCase(tokenizer) ? EncodingType.CL100K_BASE : EncodingType.O200K_BASE;
        return REGISTRY.getEncoding(type);
    }
}
