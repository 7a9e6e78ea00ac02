package dev.switchboard.catalog;

import java.util.Map;

/**
 * An upstream service. {@code apiKey} is empty when none is needed (local servers); it never
 * appears in {@link #toString()}. {@code disabledReason} says why a provider is off. {@code aws}
 * is the region and SigV4 key pair of a Bedrock provider ({@link AwsSettings#NONE} otherwise).
 * {@code responsesApi}: the provider serves OpenAI's Responses API ({@code POST /responses}) too, so a
 * client that spoke that API is answered by it directly (protocols openai and azure only).
 */
public record Provider(ProviderId id, String name, Protocol protocol, String baseUrl, String apiKey,
                       String apiVersion, Map<String, String> headers, DataPolicy dataPolicy, Timeouts timeouts,
                       boolean enabled, String disabledReason, double tokensPerSecond,
                       AwsSettings aws, boolean responsesApi, int maxConnections) {

    /** Requests a node keeps open with one provider at most, unless configured: enough for 10,000 streams. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /** A provider that does not serve the Responses API. */
    public Provider(ProviderId id, String name, Protocol protocol, String baseUrl, String apiKey,
                    String apiVersion, Map<String, String> headers, DataPolicy dataPolicy, Timeouts timeouts,
                    boolean enabled, String disabledReason, double tokensPerSecond, AwsSettings aws) {
        this(id, name, protocol, baseUrl, apiKey, apiVersion, headers, dataPolicy, timeouts, enabled, disabledReason,
                tokensPerSecond, aws, false, DEFAULT_MAX_CONNECTIONS);
    }

    @Override
    public String toString() {
        return "Provider[" + id + ", " + protocol.slug() + ", " + baseUrl + (enabled ? "" : ", disabled: " + disabledReason)
                + "]";
    }
}
