package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

import java.util.Locale;
import java.util.Set;

/**
 * OpenAI content parts as Anthropic content blocks: {@code text} → text, {@code image_url} → image
 * (a data URL becomes a base64 source, an http(s) URL a url source; {@code detail} is dropped), a
 * PDF {@code file} with inline {@code file_data} → document. OpenRouter's {@code cache_control} on
 * a part is kept on its block. Audio, file ids and other part types cannot be expressed: 400.
 */
final class ContentParts {
    /** The media types of Base64ImageSource in the Messages spec. */
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private ContentParts() {
    }

    /** Appends the blocks of {@code content} (a string or an array of parts) to {@code blocks}. */
    static void append(JsonNode content, String at, ArrayNode blocks, boolean keepEmptyText) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            if (keepEmptyText || !content.asText().isEmpty()) {
                blocks.add(text(content.asText()));
            }
            return;
        }
        if (!content.isArray()) {
            throw new InvalidRequestException(at, at + ": expected a string or an array of content parts");
        }
        for (int i = 0; i < content.size(); i++) {
            ObjectNode block = block(content.get(i), at + "[" + i + "]", keepEmptyText);
            if (block != null) {
                blocks.add(block);
            }
        }
    }

    static ObjectNode text(String text) {
        return Json.object().put("type", "text").put("text", text);
    }

    /** One part as a block, or null for a part Anthropic has no use for (empty assistant text, refusals). */
    private static ObjectNode block(JsonNode part, String at, boolean keepEmptyText) {
        String type = part.path("type").asText("");
        ObjectNode block = switch (type) {
            case "text" -> {
                String text = part.path("text").asText("");
                yield keepEmptyText || !text.isEmpty() ? text(text) : null;
            }
            case "image_url" -> image(part.path("image_url"), at + ".image_url");
            case "file" -> document(part.path("file"), at + ".file");
            // a refusal an earlier answer carried is not prompt content (Anthropic's compat layer ignores it too)
            case "refusal" -> null;
            case "input_audio" -> throw unsupported(at, "audio input is not supported by Anthropic upstreams");
            default -> throw unsupported(at, "unsupported content part type \"" + type + "\"");
        };
        if (block != null && part.has("cache_control")) {
            block.set("cache_control", part.get("cache_control"));
        }
        return block;
    }

    /** {@code image_url.url} may be an object's member or, in some clients, the string itself. */
    private static ObjectNode image(JsonNode imageUrl, String at) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
        ObjectNode source = Json.object();
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            DataUrl data = DataUrl.parse(url, at + ".url");
            if (!IMAGE_TYPES.contains(data.mediaType())) {
                throw unsupported(at + ".url", "image type " + data.mediaType()
                        + " is not supported (Anthropic accepts image/jpeg, image/png, image/gif, image/webp)");
            }
            source.put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
        } else if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            source.put("type", "url").put("url", url);
        } else {
            throw new InvalidRequestException(at + ".url", at + ".url: expected an http(s) URL or a base64 data URL");
        }
        ObjectNode block = Json.object().put("type", "image");
        block.set("source", source);
        return block;
    }

    /** Inline PDFs only: OpenAI file ids mean nothing to Anthropic. */
    private static ObjectNode document(JsonNode file, String at) {
        if (!file.hasNonNull("file_data")) {
            throw unsupported(at, "only files sent inline as file_data can be passed to Anthropic upstreams");
        }
        DataUrl data = DataUrl.parse(file.get("file_data").asText(""), at + ".file_data");
        if (!data.mediaType().equals("application/pdf")) {
            throw unsupported(at + ".file_data", "file type " + data.mediaType()
                    + " is not supported (Anthropic upstreams accept application/pdf)");
        }
        ObjectNode source = Json.object().put("type", "base64").put("media_type", "application/pdf")
                .put("data", data.base64());
        ObjectNode block = Json.object().put("type", "document");
        block.set("source", source);
        return block;
    }

    private static InvalidRequestException unsupported(String at, String why) {
        return new InvalidRequestException(at, at + ": " + why);
    }

    /** A base64 {@code data:} URL (RFC 2397), split into its media type and payload. */
    record DataUrl(String mediaType, String base64) {
        static DataUrl parse(String url, String at) {
            int comma = url.indexOf(',');
            if (!url.regionMatches(true, 0, "data:", 0, 5) || comma < 0) {
                throw new InvalidRequestException(at, at + ": expected a data URL (data:<type>;base64,<data>)");
            }
            String[] header = url.substring(5, comma).split(";");
            boolean base64 = false;
            for (int i = 1; i < header.length; i++) {
                base64 |= header[i].trim().equalsIgnoreCase("base64");
            }
            if (!base64) {
                throw new InvalidRequestException(at, at + ": only base64 data URLs are supported");
            }
            String type = header[0].trim().toLowerCase(Locale.ROOT);
            return new DataUrl(type.equals("image/jpg") ? "image/jpeg" : type, url.substring(comma + 1));
        }
    }
}
