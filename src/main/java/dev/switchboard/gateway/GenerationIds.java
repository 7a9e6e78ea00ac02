package dev.switchboard.gateway;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/** Generation ids as OpenRouter shapes them: {@code gen-<unix seconds>-<20 random alphanumerics>}. */
final class GenerationIds {
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private GenerationIds() {
    }

    static String next(Clock clock) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(36).append("gen-").append(clock.millis() / 1000).append('-');
        for (int i = 0; i < 20; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
