package dev.switchboard.server;

import dev.switchboard.accounting.AccessDenied;
import dev.switchboard.accounting.AccountingUnavailable;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What a failed account or store step means to a client, for the API and the web UI alike. */
public final class Failures {
    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /** The failure itself, out of the wrappers futures put around it. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * The answer to {@code failure}: a refused key keeps its status (401/403), a gateway error stays
     * itself, an unavailable store is a 503 with Retry-After, anything else a 500 (logged).
     */
    public static GatewayError toGatewayError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AccessDenied denied) {
            return new GatewayError(denied.status(), denied.status() == 401 ? "authentication_error" : "permission_error",
                    denied.getMessage(), null, null, null);
        }
        if (cause instanceof GatewayError error) {
            return error;
        }
        if (cause instanceof AccountingUnavailable) { // an outage, logged once where it began
            return new GatewayError(503, "service_unavailable", "Switchboard cannot reach the counters its nodes share;"
                    + " retry shortly", null, null, Map.of("Retry-After", "1"));
        }
        if (cause instanceof StoreException) {
            log.warn("store unavailable: {}", cause.getMessage());
            return new GatewayError(503, "service_unavailable", "the store is unavailable; retry shortly", null, null,
                    Map.of("Retry-After", "1"));
        }
        log.error("unexpected failure", cause);
        return GatewayError.internal("internal error; the server log has details");
    }
}
