package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/**
 * One Responses API answer kept for its key: the request's own input items, the whole context the
 * model saw (earlier turns of a {@code previous_response_id} chain expanded, then this input), and
 * the Response object as the client got it; the three as JSON text. Times are epoch milliseconds.
 */
public record StoredResponse(String id, String keyHash, long createdAt, String previousResponseId,
                             String inputItems, String context, String response) {

    public StoredResponse {
        requireNonNull(id, "id");
        requireNonNull(keyHash, "keyHash");
        requireNonNull(inputItems, "inputItems");
        requireNonNull(context, "context");
        requireNonNull(response, "response");
    }
}
