package dev.switchboard.routing;

import dev.switchboard.catalog.EndpointId;

import java.util.Set;

/**
 * Why routing left an endpoint out of a request's plan; shown to the client when nothing is left.
 * Every reason is about the request against the catalog and the client's own preferences, so none
 * goes away by retrying: a plan left empty is a 400 ({@code GatewayError.noEndpoint}). Endpoints that
 * are only unhealthy now (cooling down, breaker open) are not rejected but tried last.
 */
public sealed interface Rejection {
    EndpointId endpoint();

    /** A stable machine-readable reason code. */
    String reason();

    /** A sentence for humans. */
    String detail();

    record ProviderDisabled(EndpointId endpoint, String why) implements Rejection {
        public String reason() {
            return "provider_disabled";
        }

        public String detail() {
            return why;
        }
    }

    record ContextExceeded(EndpointId endpoint, long needed, long available) implements Rejection {
        public String reason() {
            return "context_length";
        }

        public String detail() {
            return "needs " + needed + " tokens (prompt plus max tokens), context is " + available;
        }
    }

    record ParametersUnsupported(EndpointId endpoint, Set<String> missing, boolean required) implements Rejection {
        public String reason() {
            return required ? "require_parameters" : "unsupported_parameters";
        }

        public String detail() {
            return "does not support " + String.join(", ", missing.stream().sorted().toList());
        }
    }

    record DataCollectionDenied(EndpointId endpoint) implements Rejection {
        public String reason() {
            return "data_collection";
        }

        public String detail() {
            return "the provider may train on prompts (or its policy is unknown) and data_collection is deny";
        }
    }

    record NotZeroDataRetention(EndpointId endpoint) implements Rejection {
        public String reason() {
            return "zdr";
        }

        public String detail() {
            return "the provider is not known to retain nothing";
        }
    }

    record NotInOnly(EndpointId endpoint) implements Rejection {
        public String reason() {
            return "provider_only";
        }

        public String detail() {
            return "provider not in provider.only";
        }
    }

    record Ignored(EndpointId endpoint) implements Rejection {
        public String reason() {
            return "provider_ignore";
        }

        public String detail() {
            return "provider listed in provider.ignore";
        }
    }

    record PriceAboveMax(EndpointId endpoint, String price) implements Rejection {
        public String reason() {
            return "max_price";
        }

        public String detail() {
            return price + " price is above provider.max_price";
        }
    }

    record FallbacksDisabled(EndpointId endpoint) implements Rejection {
        public String reason() {
            return "allow_fallbacks";
        }

        public String detail() {
            return "not the chosen provider and provider.allow_fallbacks is false";
        }
    }

    record QuantizationExcluded(EndpointId endpoint, String quantization) implements Rejection {
        public String reason() {
            return "quantization";
        }

        public String detail() {
            return "quantization " + quantization + " is not in provider.quantizations";
        }
    }

    /** The request carries input (an image, a file, audio) that the model does not declare it accepts. */
    record InputModalityUnsupported(EndpointId endpoint, Set<String> missing, java.util.List<String> accepted)
            implements Rejection {
        public String reason() {
            return "input_modality";
        }

        public String detail() {
            return "the model does not accept " + String.join(", ", missing.stream().sorted().toList())
                    + " input (its input modalities: " + String.join(", ", accepted) + ")";
        }
    }
}
