package dev.switchboard.accounting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key secrets: {@code sk-sb-v1-} and 64 hex characters from a CSPRNG. Only the SHA-256 of a
 * secret is ever stored or compared (by looking it up); the label shows its first and last characters.
 */
public final class KeySecrets {
    public static final String PREFIX = "sk-sb-v1-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: every request hashes its key, and looking the algorithm up costs more than hashing. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    private KeySecrets() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + HEX.formatHex(bytes);
    }

    /** Lower-case hex SHA-256 of the secret's UTF-8 bytes: the key's public id. */
    public static String hash(String secret) {
        return HEX.formatHex(SHA_256.get().digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code sk-sb-v1-abc…f12}: enough to recognise a key, never enough to use it. */
    public static String label(String secret) {
        if (secret.startsWith(PREFIX) && secret.length() >= PREFIX.length() + 6) {
            return PREFIX + secret.substring(PREFIX.length(), PREFIX.length() + 3) + "…"
                    + secret.substring(secret.length() - 3);
        }
        return secret.length() <= 6 ? "…" : secret.substring(0, 3) + "…" + secret.substring(secret.length() - 3);
    }
}
