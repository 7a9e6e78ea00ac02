package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.EndpointId;

import java.time.Duration;

/**
 * Why an upstream attempt failed, as a decision: each kind tells the gateway whether another
 * endpoint may be tried. Messages are safe to show clients (no keys, no prompt content).
 */
public abstract sealed class UpstreamFailure extends RuntimeException {
    private final EndpointId endpoint;

    protected UpstreamFailure(EndpointId endpoint, String message, Throwable cause) {
        super(message, cause, false, false);
        this.endpoint = endpoint;
    }

    public EndpointId endpoint() {
        return endpoint;
    }

    /** The status this failure is listed with in {@code metadata.attempts}. */
    public abstract int status();

    /** The connection could not be made (refused, DNS, TLS): nothing reached the provider. */
    public static final class NotReached extends UpstreamFailure {
        public NotReached(EndpointId endpoint, String message, Throwable cause) {
            super(endpoint, message, cause);
        }

        public int status() {
            return 502;
        }
    }

    /**
     * Switchboard already has the provider's {@code max_connections} exchanges open: the request was
     * not sent. Our limit, not the provider's failure: another endpoint may be tried, and the
     * provider's health is not touched.
     */
    public static final class AtCapacity extends UpstreamFailure {
        public AtCapacity(EndpointId endpoint, String message) {
            super(endpoint, message, null);
        }

        public int status() {
            return 503;
        }
    }

    /** No response, or no first token, or no bytes for too long. */
    public static final class TimedOut extends UpstreamFailure {
        public TimedOut(EndpointId endpoint, String message) {
            super(endpoint, message, null);
        }

        public int status() {
            return 504;
        }
    }

    /** The provider answered with an error status. */
    public static final class ErrorStatus extends UpstreamFailure {
        private final int status;
        private final String type;
        private final String code;
        private final String param;
        private final Duration retryAfter;
        private final JsonNode details;

        public ErrorStatus(EndpointId endpoint, int status, String message, String type, String code, String param,
                           Duration retryAfter, JsonNode details) {
            super(endpoint, message, null);
            this.status = status;
            this.type = type;
            this.code = code;
            this.param = param;
            this.retryAfter = retryAfter;
            this.details = details;
        }

        public int status() {
            return status;
        }

        /** The provider's error type, when it sent one. */
        public String type() {
            return type;
        }

        public String code() {
            return code;
        }

        public String param() {
            return param;
        }

        /** Retry-After from the provider, or null. */
        public Duration retryAfter() {
            return retryAfter;
        }

        /** Provider-specific details worth passing on (Azure content-filter results), or null. */
        public JsonNode details() {
            return details;
        }
    }

    /** The provider answered 2xx with something that is not a usable response. */
    public static final class InvalidResponse extends UpstreamFailure {
        public InvalidResponse(EndpointId endpoint, String message) {
            super(endpoint, message, null);
        }

        public int status() {
            return 502;
        }
    }

    /** A stream broke after it started: the connection closed or an in-band error arrived. */
    public static final class StreamBroken extends UpstreamFailure {
        public StreamBroken(EndpointId endpoint, String message, Throwable cause) {
            super(endpoint, message, cause);
        }

        public int status() {
            return 502;
        }
    }
}
