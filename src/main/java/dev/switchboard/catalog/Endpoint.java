package dev.switchboard.catalog;

import java.util.Set;

/**
 * A model on one provider with its effective limits and prices (the model's, overridden per
 * endpoint). {@code upstreamModel} is the name the provider knows it by (an Azure deployment name);
 * {@code quantization} is one of {@link Quantization#LEVELS}, or null when the configuration does not say.
 */
public record Endpoint(EndpointId id, Provider provider, String upstreamModel, long contextLength,
                       Long maxOutputTokens, Pricing pricing, Set<String> supportedParameters, boolean enabled,
                       String disabledReason, String quantization) {

    public Endpoint(EndpointId id, Provider provider, String upstreamModel, long contextLength, Long maxOutputTokens,
                    Pricing pricing, Set<String> supportedParameters, boolean enabled, String disabledReason) {
        this(id, provider, upstreamModel, contextLength, maxOutputTokens, pricing, supportedParameters, enabled,
                disabledReason, null);
    }

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

    /** The quantization routing compares: {@code unknown} when none is declared, as OpenRouter lists it. */
    public String quantizationOrUnknown() {
        return quantization == null ? Quantization.UNKNOWN : quantization;
    }

    /** True when every price of this endpoint is zero: what the {@code :free} variant serves. */
    public boolean free() {
        return pricing.blended().signum() == 0 && pricing.requestOrZero().signum() == 0;
    }

    /** This endpoint as another (derived) model's, sending {@code upstream} as the model name. */
    public Endpoint servingAs(ModelId model, String upstream) {
        return new Endpoint(new EndpointId(model, id.provider()), provider, upstream, contextLength, maxOutputTokens,
                pricing, supportedParameters, enabled, disabledReason, quantization);
    }

    /** This endpoint left out of routing, with the reason shown when nothing else can serve. */
    public Endpoint disabled(String reason) {
        return new Endpoint(id, provider, upstreamModel, contextLength, maxOutputTokens, pricing, supportedParameters,
                false, reason, quantization);
    }
}
