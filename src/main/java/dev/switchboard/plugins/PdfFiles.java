package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The file-parser plugin: every PDF sent inline as a {@code file} content part
 * ({@code {"type":"file","file":{"filename":…,"file_data":"data:application/pdf;base64,…"}}}) becomes
 * a text part holding its text, for models that cannot read files. Files given by URL or
 * {@code file_id} are left as they are (nothing is fetched). Blocking: call it on a worker.
 */
public final class PdfFiles {
    private static final String PDF_DATA_URL = "data:application/pdf;base64,";

    private PdfFiles() {
    }

    /** Cheap test on the raw body before any parsing: could it hold an inline PDF at all? */
    public static boolean mayHoldPdf(byte[] body) {
        return indexOf(body, PDF_DATA_URL.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    /**
     * Replaces the inline PDFs of {@code messages} (changed in place) by their text; returns how many.
     *
     * @throws InvalidRequestException naming the part when a PDF is not valid base64 or cannot be read
     */
    public static int parsePdfs(ArrayNode messages) {
        int parsed = 0;
        for (int m = 0; m < messages.size(); m++) {
            JsonNode content = messages.get(m).get("content");
            if (content == null || !content.isArray()) {
                continue;
            }
            for (int p = 0; p < content.size(); p++) {
                JsonNode part = content.get(p);
                String data = part.path("file").path("file_data").asText("");
                if (!"file".equals(part.path("type").asText()) || !data.startsWith(PDF_DATA_URL)) {
                    continue;
                }
                String at = "messages[" + m + "].content[" + p + "].file.file_data";
                String name = part.path("file").path("filename").asText("document.pdf");
                ((ArrayNode) content).set(p, textPart(name, text(data, at)));
                parsed++;
            }
        }
        return parsed;
    }

    private static String text(String dataUrl, String at) {
        byte[] pdf;
        try {
            // line breaks are tolerated (some encoders wrap at 76 columns), anything else outside the alphabet is not
            pdf = Base64.getDecoder().decode(dataUrl.substring(PDF_DATA_URL.length()).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(at, at + ": not valid base64 (" + e.getMessage() + ")");
        }
        try {
            return PdfText.extract(pdf);
        } catch (PdfText.UnreadablePdf e) {
            throw new InvalidRequestException(at, at + ": not a readable PDF (" + e.getMessage() + ")");
        }
    }

    private static ObjectNode textPart(String filename, String text) {
        ObjectNode part = Json.object().put("type", "text");
        part.put("text", "<file name=\"" + filename + "\">\n" + text + "\n</file>");
        return part;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
