package dev.switchboard.accounting;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KeySecretsTest {

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void generatesVersionedSecretsOf64LowerCaseHexCharacters() {
        assertThat(KeySecrets.generate()).matches("sk-sb-v1-[0-9a-f]{64}").startsWith(KeySecrets.PREFIX);
    }

    @Test
    void generatesADifferentSecretEachTime() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            secrets.add(KeySecrets.generate());
        }
        assertThat(secrets).hasSize(1_000);
    }

    @Test
    void hashesTheSecretWithSha256AsLowerCaseHex() throws Exception {
        String secret = KeySecrets.generate();

        assertThat(KeySecrets.hash(secret)).isEqualTo(sha256Hex(secret)).matches("[0-9a-f]{64}");
        assertThat(KeySecrets.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(KeySecrets.hash("clé-é")).as("UTF-8 bytes").isEqualTo(sha256Hex("clé-é"));
        assertThat(KeySecrets.hash(secret + "x")).isNotEqualTo(KeySecrets.hash(secret));
    }

    @Test
    void labelsAKeyByItsFirstAndLastCharacters() {
        String secret = KeySecrets.PREFIX + "abc" + "0".repeat(58) + "f12";

        assertThat(KeySecrets.label(secret)).isEqualTo("sk-sb-v1-abc…f12");
    }

    @Test
    void neverPutsTheSecretInItsLabel() {
        for (int i = 0; i < 100; i++) {
            String secret = KeySecrets.generate();
            String label = KeySecrets.label(secret);

            assertThat(label).matches("sk-sb-v1-[0-9a-f]{3}…[0-9a-f]{3}")
                    .startsWith(secret.substring(0, 12)).endsWith(secret.substring(secret.length() - 3));
            assertThat(label).doesNotContain(secret.substring(KeySecrets.PREFIX.length()));
            assertThat(label.length()).isLessThanOrEqualTo(40);
        }
    }

    @Test
    void labelsForeignAndShortSecretsWithoutRevealingThem() {
        assertThat(KeySecrets.label("my-own-admin-secret")).isEqualTo("my-…ret");
        assertThat(KeySecrets.label("short")).isEqualTo("…");
        assertThat(KeySecrets.label("sk-sb-v1-ab")).isEqualTo("sk-…-ab");
    }
}
