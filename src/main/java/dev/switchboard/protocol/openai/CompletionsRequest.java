package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;

/**
 * A legacy OpenAI Completions request ({@code POST /v1/completions}) as a Chat Completions body: the
 * {@code prompt} becomes one user message and every other member goes along as it came
 * ({@code max_tokens}, {@code stream}, sampling, stop, {@code n}, and the routing members). What
 * chat cannot express is refused with a 400 naming it: several prompts in one request, token-id
 * prompts, {@code suffix} (insertion), {@code echo}, {@code best_of} above 1 and {@code logprobs}
 * (the legacy shape of log probabilities). Pure.
 */
public final class CompletionsRequest {
    private CompletionsRequest() {
    }

    /**
     * @throws dev.switchboard.protocol.MalformedJsonException when the body is not JSON
     * @throws InvalidRequestException naming the member that cannot be served
     */
    public static byte[] toChat(byte[] body) {
        if (!(Json.parseRequest(body) instanceof ObjectNode request)) {
            throw new InvalidRequestException(null, "expected a JSON object (a completions request)");
        }
        if (request.has("messages")) {
            throw new InvalidRequestException("messages",
                    "messages: not a member of the Completions API (send it to /v1/chat/completions)");
        }
        String prompt = promptText(request.remove("prompt"));
        refuseWhatChatCannotDo(request);
        request.remove("best_of");
        request.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return Json.bytes(request);
    }

    /** A string, or an array holding one string (what SDKs send for a list of one). */
    private static String promptText(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw new InvalidRequestException("prompt", "prompt: required (the text to complete)");
        }
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        if (prompt.isArray() && !prompt.isEmpty() && allText(prompt)) {
            throw new InvalidRequestException("prompt",
                    "prompt: one prompt per request (got " + prompt.size() + "); send one request per prompt");
        }
        throw new InvalidRequestException("prompt",
                "prompt: expected a string or an array of one string (token-id prompts are not supported)");
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static void refuseWhatChatCannotDo(ObjectNode request) {
        JsonNode suffix = request.get("suffix");
        if (suffix != null && !suffix.isNull() && !suffix.asText("").isEmpty()) {
            throw new InvalidRequestException("suffix", "suffix: not supported (insertion has no chat equivalent)");
        }
        request.remove("suffix");
        if (request.path("echo").asBoolean(false)) {
            throw new InvalidRequestException("echo", "echo: not supported (only the completion is returned)");
        }
        request.remove("echo");
        JsonNode bestOf = request.get("best_of");
        if (bestOf != null && !bestOf.isNull() && !(bestOf.canConvertToInt() && bestOf.asInt() == 1)) {
            throw new InvalidRequestException("best_of", "best_of: only 1 is supported");
        }
        JsonNode logprobs = request.get("logprobs");
        if (logprobs != null && !logprobs.isNull()) {
            throw new InvalidRequestException("logprobs", "logprobs: not supported on /v1/completions (use /v1/chat/completions)");
        }
        request.remove("logprobs");
    }
}
