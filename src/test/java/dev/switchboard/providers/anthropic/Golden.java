package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected translator outputs kept in src/test/resources/golden/anthropic: a JSON document, or
 * JSON Lines for a chunk stream (one chunk a line). Compared as JSON, so member order and
 * spacing do not matter. {@code -Dgolden.update=true} rewrites them from the current output;
 * review the diff before committing.
 */
final class Golden {
    private static final Path ROOT = Path.of("src", "test", "resources", "golden", "anthropic");

    private Golden() {
    }

    static void assertJson(String name, byte[] actual) {
        JsonNode tree = Json.parse(actual);
        if (update()) {
            write(name, pretty(tree) + "\n");
        }
        assertThat(tree).as(name).isEqualTo(Json.parse(read(name)));
    }

    static void assertJsonLines(String name, List<String> chunks) {
        if (update()) {
            write(name, String.join("\n", chunks) + "\n");
        }
        List<JsonNode> expected = read(name).lines().filter(l -> !l.isBlank()).map(Json::parse).toList();
        assertThat(chunks.stream().map(Json::parse).toList()).as(name).containsExactlyElementsOf(expected);
    }

    private static String pretty(JsonNode tree) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String name) {
        try {
            return Files.readString(ROOT.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("golden file " + name + " missing (run with -Dgolden.update=true)", e);
        }
    }

    private static boolean update() {
        return Boolean.getBoolean("golden.update");
    }

    private static void write(String name, String text) {
        try {
            Files.writeString(ROOT.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
