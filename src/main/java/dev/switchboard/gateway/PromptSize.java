package dev.switchboard.gateway;

import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.routing.RouteQuery;

import java.util.HashMap;
import java.util.Map;

/**
 * The prompt's size for routing. The upper bound is nearly free: a tokenizer token covers at
 * least one byte of text, so the bytes of {@code messages} and {@code tools} bound the text
 * tokens, plus the flat estimate for every possible image. Only when that bound does not fit an
 * endpoint's context are the tokens actually counted, once per tokenizer.
 */
final class PromptSize implements RouteQuery.PromptSize {
    private static final byte[] IMAGE = {'i', 'm', 'a', 'g', 'e'};

    private final ChatRequest request;
    private final Map<String, Long> counted = new HashMap<>(2);
    private long upperBound = -1;

    PromptSize(ChatRequest request) {
        this.request = request;
    }

    @Override
    public long upperBound() {
        if (upperBound < 0) {
            upperBound = request.promptBytes() + (long) occurrences(request.body(), IMAGE) * TokenCounter.IMAGE_TOKENS;
        }
        return upperBound;
    }

    @Override
    public long tokens(String tokenizer) {
        String key = tokenizer == null ? "" : tokenizer;
        return counted.computeIfAbsent(key,
                k -> TokenCounter.countPrompt(request.messages(), request.field("tools"), tokenizer));
    }

    private static int occurrences(byte[] haystack, byte[] needle) {
        int count = 0;
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }
}
