package dev.switchboard.catalog;

import java.util.List;
import java.util.function.Predicate;

/**
 * Derives the model a {@code :variant} id names from its base model. Variants that narrow the
 * endpoints ({@code :free}, {@code :thinking}, {@code :extended}) keep the chosen endpoints' ids, so
 * their health and stats are the base model's; variants that only reorder them ({@code :nitro},
 * {@code :floor}) are applied by the router from {@link Model#variant()}.
 */
public final class ModelVariants {
    /** The request parameters that turn reasoning on (OpenRouter's {@code reasoning} and OpenAI's effort). */
    private static final List<String> REASONING_PARAMETERS = List.of("reasoning", "reasoning_effort", "include_reasoning");

    private ModelVariants() {
    }

    public static ModelLookup derive(Model base, ModelVariant variant) {
        String requested = variant.apply(base.id().value());
        return switch (variant) {
            case BASE -> new ModelLookup.Found(base);
            case NITRO, FLOOR -> found(base, variant, base.name(), base.contextLength(), base.pricing(), base.endpoints());
            case FREE -> narrowed(base, variant, Endpoint::free, "has no free endpoint (one whose prices are all zero)");
            case THINKING -> narrowed(base, variant, ModelVariants::acceptsReasoning,
                    "has no endpoint that accepts reasoning parameters");
            case EXTENDED -> narrowed(base, variant, e -> e.contextLength() > base.contextLength(),
                    "has no endpoint with a context longer than its standard " + base.contextLength() + " tokens");
            // the gateway turns the web plugin on for it (Gateway.chatCompletion); every endpoint serves it
            case ONLINE -> narrowed(base, variant, e -> true, "has no endpoint");
            case EXACTO -> new ModelLookup.VariantNotServed(requested,
                    ":exacto sorts by tool-calling quality signals, which Switchboard does not measure "
                            + "(use provider.sort for throughput, latency or price)");
        };
    }

    private static ModelLookup narrowed(Model base, ModelVariant variant, Predicate<Endpoint> serves, String lacking) {
        List<Endpoint> endpoints = base.endpoints().stream().filter(serves).toList();
        if (endpoints.isEmpty()) {
            return new ModelLookup.VariantNotServed(variant.apply(base.id().value()), base.id() + " " + lacking);
        }
        long context = endpoints.stream().mapToLong(Endpoint::contextLength).max().orElseThrow();
        Pricing pricing = variant == ModelVariant.FREE ? endpoints.getFirst().pricing() : base.pricing();
        return found(base, variant, base.name() + " (" + variant.suffix() + ")", context, pricing, endpoints);
    }

    private static ModelLookup found(Model base, ModelVariant variant, String name, long context, Pricing pricing,
                                     List<Endpoint> endpoints) {
        ModelId id = new ModelId(variant.apply(base.id().value()));
        return new ModelLookup.Found(base.derived(id, name, context, pricing, endpoints, variant));
    }

    /** An endpoint listing no parameters is taken to accept all, as everywhere in routing. */
    private static boolean acceptsReasoning(Endpoint e) {
        return e.supportedParameters().isEmpty() || REASONING_PARAMETERS.stream().anyMatch(e::supports);
    }
}
