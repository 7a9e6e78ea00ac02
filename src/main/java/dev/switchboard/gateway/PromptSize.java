package dev.switchboard.gateway;

import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.routing.RouteQuery;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The prompt's size for routing. The upper bound is nearly free: a tokenizer token covers at
 * least one byte of text, so the bytes of {@code messages} and {@code tools} bound the text
 * tokens, plus the flat estimate for every possible image. Only when that bound does not fit an
 * endpoint's context are the tokens actually counted, once per tokenizer. Counting runs at a few
 * MB/s, so a large prompt is counted on a worker thread before admission ({@link #countsOffLoop},
 * {@link #countAll}) and the event loop only reads the results.
 */
final class PromptSize implements RouteQuery.PromptSize {
    /**
     * Prompts with more text than this are counted off the event loop. Measured: o200k counts
     * 64 KiB of prose in ~3 ms once the JIT is warm, a 32 MiB prompt in 7-11 s on a busy
     * two-core machine, holding every other connection on its loop for as long.
     */
    static final long INLINE_COUNT_BYTES = 64 * 1024;
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
            upperBound = bound();
        }
        return upperBound;
    }

    private long bound() {
        return request.promptBytes() + (long) occurrences(request.body(), IMAGE) * TokenCounter.IMAGE_TOKENS;
    }

    @Override
    public long tokens(String tokenizer) {
        return counted.computeIfAbsent(key(tokenizer), k -> count(tokenizer));
    }

    /** True when counting this prompt could hold the event loop: count it with {@link #countAll} on a worker. */
    boolean countsOffLoop() {
        return request.promptBytes() > INLINE_COUNT_BYTES;
    }

    /**
     * Counts the prompt with each of {@code tokenizers}, and its upper bound (a scan of the whole
     * body); blocking, for a worker thread. The results are handed to {@link #remember} on the
     * event loop, which alone touches this object's state.
     */
    Counted countAll(Collection<String> tokenizers) {
        Map<String, Long> tokens = new HashMap<>(2);
        for (String tokenizer : tokenizers) {
            if (!tokens.containsKey(key(tokenizer))) {
                tokens.put(key(tokenizer), count(tokenizer));
            }
        }
        return new Counted(bound(), tokens);
    }

    void remember(Counted counted) {
        upperBound = counted.upperBound();
        this.counted.putAll(counted.tokens());
    }

    /** What a worker counted; plain values, handed over to the event loop. */
    record Counted(long upperBound, Map<String, Long> tokens) {
    }

    private long count(String tokenizer) {
        return TokenCounter.countPrompt(request.messages(), request.field("tools"), tokenizer);
    }

    private static String key(String tokenizer) {
        return tokenizer == null ? "" : tokenizer;
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
