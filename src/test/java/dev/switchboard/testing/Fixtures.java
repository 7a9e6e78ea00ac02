package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the recorded wire fixtures: the project's copy in src/test/resources/fixtures (see its
 * README for provenance), or another directory given with -Dswitchboard.fixtures=DIR.
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path root() {
        String configured = System.getProperty("switchboard.fixtures");
        Path root = configured != null ? Path.of(configured) : Path.of("src", "test", "resources", "fixtures");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("fixtures not found at " + root.toAbsolutePath()
                    + " (set -Dswitchboard.fixtures=DIR)");
        }
        return root;
    }

    public static byte[] bytes(String relativePath) {
        Path file = root().resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture " + relativePath + " not found at " + file.toAbsolutePath());
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file.toAbsolutePath(), e);
        }
    }

    public static String text(String relativePath) {
        return new String(bytes(relativePath), StandardCharsets.UTF_8);
    }
}
