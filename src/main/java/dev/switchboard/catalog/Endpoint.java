package dev.switchboard.catalog;

import java.util.Set;

/**
 * A model on one provider with its effective limits and prices (the model's, overridden per
 * endpoint). {@code upstreamModel} is the name the provider knows it by (an Azure deployment name).
 */
public record Endpoint(EndpointId id, Provider provider, String upstreamModel, long contextLength,
                       Long maxOutputTokens, Pricing pricing, Set<String> supportedParameters, boolean enabled,
                       String disabledReason) {

    public ModelId model() {
        return id.model();
    }

    /**
     * The output limit to ask this endpoint for: {@code requested} cut to its maximum output, so a
     * client asking for more than the endpoint can give is served rather than refused (null when the
     * request sets no limit).
     */
    public Long outputLimit(Long requested) {
        if (requested == null || maxOutputTokens == null) {
            return requested;
        }
        return Math.min(requested, maxOutputTokens);
    }

    public boolean supports(String parameter) {
        return supportedParameters.contains(parameter);
    }
}
