package dev.switchboard.providers.openai;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.providers.UpstreamFailure;

import java.util.Set;

/**
 * The upstream said, inside a 2xx answer, that the response failed: a response with
 * {@code status: failed} and its {@code error} ({@code ResponseError}: code and message), or a
 * stream's {@code error} event. Pure; the adapter turns it into an {@link UpstreamFailure}.
 */
final class FailedResponse extends RuntimeException {
    /** The {@code ResponseErrorCode}s that describe the request itself (openapi.yaml, ResponseErrorCode). */
    private static final Set<String> ABOUT_THE_INPUT = Set.of("invalid_prompt", "data_residency_mismatch", "bio_policy",
            "invalid_image", "invalid_image_format", "invalid_base64_image", "invalid_image_url", "image_too_large",
            "image_too_small", "image_parse_error", "image_content_policy_violation", "invalid_image_mode",
            "image_file_too_large", "unsupported_image_media_type", "empty_image_file", "failed_to_download_image",
            "image_file_not_found");

    private final String code;

    FailedResponse(String code, String message) {
        super((code.isEmpty() ? "" : code + ": ") + message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }

    /**
     * For a non-streamed answer. {@code ResponseErrorCode}: {@code rate_limit_exceeded} is a 429
     * (cooldown and fallback as for the HTTP status); the codes about the input (invalid_prompt,
     * the image ones, bio_policy, data_residency_mismatch) a 400 no other endpoint would change;
     * {@code server_error}, {@code vector_store_timeout} and unknown codes a bad answer worth a retry elsewhere.
     */
    UpstreamFailure toFailure(EndpointId endpoint) {
        String message = "provider reported the response failed: " + getMessage();
        if (code.equals("rate_limit_exceeded")) {
            return new UpstreamFailure.ErrorStatus(endpoint, 429, message, "rate_limit_error", code, null, null, null);
        }
        if (ABOUT_THE_INPUT.contains(code)) {
            return new UpstreamFailure.ErrorStatus(endpoint, 400, message, "invalid_request_error", code, null, null, null);
        }
        return new UpstreamFailure.InvalidResponse(endpoint, message);
    }

    /** For a stream: whatever the code, the stream broke (the relay falls back if nothing was sent yet). */
    UpstreamFailure toStreamFailure(EndpointId endpoint) {
        return new UpstreamFailure.StreamBroken(endpoint, "provider reported the response failed: " + getMessage(), null);
    }
}
