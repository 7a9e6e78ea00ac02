package dev.switchboard.providers.http;

import dev.switchboard.catalog.EndpointId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a client is told about an upstream error body that is not the provider's JSON: a proxy's HTML
 * error page or a load balancer's text. An HTML page becomes one sentence in our words; short plain
 * text is kept (it is usually the only reason given). The raw body goes to the log at debug.
 */
public final class UpstreamText {
    private static final Logger log = LoggerFactory.getLogger(UpstreamText.class);
    private static final int MAX_TEXT = 300;

    private UpstreamText() {
    }

    /** The client message for a non-JSON error {@code body} of HTTP {@code status} from {@code endpoint}. */
    public static String describe(EndpointId endpoint, int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "HTTP " + status + " from provider";
        }
        log.debug("provider {} answered HTTP {} with a non-JSON body: {}", endpoint.provider(), status,
                text.length() > 2_000 ? text.substring(0, 2_000) + "..." : text);
        if (looksLikeHtml(text)) {
            return "provider " + endpoint.provider() + " answered HTTP " + status
                    + " with an HTML page instead of an API error";
        }
        String oneLine = text.replaceAll("[\\x00-\\x1f\\x7f]+", " ");
        return oneLine.length() <= MAX_TEXT ? oneLine : oneLine.substring(0, MAX_TEXT) + "...";
    }

    static boolean looksLikeHtml(String text) {
        String head = text.substring(0, Math.min(text.length(), 512)).toLowerCase(Locale.ROOT);
        return head.startsWith("<") || head.contains("<html") || head.contains("<!doctype") || head.contains("<body");
    }
}
