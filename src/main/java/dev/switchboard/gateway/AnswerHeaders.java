package dev.switchboard.gateway;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Protocol;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.protocol.openai.ChatRequest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers Switchboard puts on an answer: its generation id and its own overhead, and, once the
 * endpoint that serves it is known, what that endpoint changed about the request: an output limit
 * cut to its maximum ({@value #CLAMPED}) and hosted tools it cannot run ({@value #DROPPED_TOOLS}).
 */
final class AnswerHeaders {
    /** Set when the serving endpoint's output limit cut the client's max_tokens (docs/routing.md). */
    static final String CLAMPED = "X-Switchboard-Max-Tokens-Clamped";
    /** Set when the serving endpoint cannot run hosted tools the request offered (docs/protocols.md). */
    static final String DROPPED_TOOLS = "X-Switchboard-Dropped-Tools";

    private AnswerHeaders() {
    }

    /** The headers of an answer; {@code served} is null while no endpoint answers yet (keep-alive comments, errors). */
    static Map<String, String> of(String generationId, long overheadUs, ChatRequest request, Endpoint served) {
        Map<String, String> headers = Map.of("X-Generation-Id", generationId, "X-Switchboard-Overhead-Us",
                Long.toString(overheadUs));
        if (served == null) {
            return headers;
        }
        Long requested = request.maxTokens();
        Long sent = served.outputLimit(requested);
        String dropped = droppedTools(request, served);
        if ((requested == null || sent.equals(requested)) && dropped == null) {
            return headers;
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (requested != null && !sent.equals(requested)) {
            all.put(CLAMPED, requested + "->" + sent);
        }
        if (dropped != null) {
            all.put(DROPPED_TOOLS, dropped);
        }
        return all;
    }

    /**
     * The hosted tools a Responses or Messages request offered that {@code served} does not run (it does
     * not speak the client's API itself), comma-separated; null when none were dropped.
     */
    static String droppedTools(ChatRequest request, Endpoint served) {
        ClientOriginal original = request.original();
        if (original == null || original.hostedTools().isEmpty() || speaksClientApi(original, served)) {
            return null;
        }
        return String.join(", ", original.hostedTools());
    }

    /** Whether the endpoint is sent the client's own request (same API), hosted tools and all. */
    private static boolean speaksClientApi(ClientOriginal original, Endpoint endpoint) {
        return switch (original.api()) {
            case MESSAGES -> endpoint.provider().protocol() == Protocol.ANTHROPIC;
            case RESPONSES -> endpoint.provider().responsesApi();
        };
    }
}
