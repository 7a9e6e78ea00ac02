package dev.switchboard.catalog;

import java.util.Map;

/**
 * An upstream service. {@code apiKey} is empty when none is needed (local servers); it never
 * appears in {@link #toString()}. {@code disabledReason} says why a provider is off. {@code aws}
 * is the region and SigV4 key pair of a Bedrock provider ({@link AwsSettings#NONE} otherwise).
 */
public record Provider(ProviderId id, String name, Protocol protocol, String baseUrl, String apiKey,
                       String apiVersion, Map<String, String> headers, DataPolicy dataPolicy, Timeouts timeouts,
                       boolean enabled, String disabledReason, double tokensPerSecond,
                       AwsSettings aws) {

    @Override
    public String toString() {
        return "Provider[" + id + ", " + protocol.slug() + ", " + baseUrl + (enabled ? "" : ", disabled: " + disabledReason)
                + "]";
    }
}
