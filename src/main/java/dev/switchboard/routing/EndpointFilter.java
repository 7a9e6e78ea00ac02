package dev.switchboard.routing;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.openai.ProviderPreferences;
import dev.switchboard.protocol.openai.ProviderPreferences.DataCollection;
import dev.switchboard.protocol.openai.ProviderPreferences.MaxPrice;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The hard filters: which endpoints of a model can serve this request at all. */
final class EndpointFilter {

    /** OpenRouter's sampling and output parameters: the ones {@code require_parameters} checks. */
    static final Set<String> LLM_PARAMETERS = Set.of("temperature", "top_p", "top_k", "frequency_penalty",
            "presence_penalty", "repetition_penalty", "min_p", "top_a", "seed", "max_tokens", "max_completion_tokens",
            "logit_bias", "logprobs", "top_logprobs", "response_format", "structured_outputs", "stop", "tools",
            "tool_choice", "parallel_tool_calls", "verbosity", "reasoning", "reasoning_effort", "include_reasoning",
            "web_search_options", "n");

    private EndpointFilter() {
    }

    static List<Endpoint> endpointsThatFit(Model model, RouteQuery query, List<Rejection> rejections) {
        ProviderPreferences prefs = query.preferences();
        List<Endpoint> fit = new ArrayList<>();
        for (Endpoint e : model.endpoints()) {
            Rejection rejection = hardRejection(model, e, query, prefs);
            if (rejection == null) {
                fit.add(e);
            } else {
                rejections.add(rejection);
            }
        }
        return preferSupporting(fit, query, rejections);
    }

    private static Rejection hardRejection(Model model, Endpoint e, RouteQuery query, ProviderPreferences prefs) {
        if (!e.enabled()) {
            return new Rejection.ProviderDisabled(e.id(), e.disabledReason());
        }
        if (!prefs.only().isEmpty() && prefs.only().stream().noneMatch(slug -> slugMatches(slug, e))) {
            return new Rejection.NotInOnly(e.id());
        }
        if (prefs.ignore().stream().anyMatch(slug -> slugMatches(slug, e))) {
            return new Rejection.Ignored(e.id());
        }
        if (prefs.dataCollection() == DataCollection.DENY && e.provider().dataPolicy().mayTrain()) {
            return new Rejection.DataCollectionDenied(e.id());
        }
        if (prefs.zdr() && !e.provider().dataPolicy().zeroRetention()) {
            return new Rejection.NotZeroDataRetention(e.id());
        }
        if (!prefs.quantizations().isEmpty() && !prefs.quantizations().contains(e.quantizationOrUnknown())) {
            return new Rejection.QuantizationExcluded(e.id(), e.quantizationOrUnknown());
        }
        Rejection modality = InputModalities.rejection(model, e, query.inputModalities());
        if (modality != null) {
            return modality;
        }
        Rejection price = priceRejection(e, prefs.maxPrice());
        if (price != null) {
            return price;
        }
        // a max_tokens above the endpoint's output limit is no reason to refuse: it is cut to the limit
        Rejection context = contextRejection(model, e, query);
        if (context != null) {
            return context;
        }
        if (prefs.requireParameters()) {
            Set<String> missing = unsupported(e, query.parameters());
            if (!missing.isEmpty()) {
                return new Rejection.ParametersUnsupported(e.id(), missing, true);
            }
        }
        return null;
    }

    /**
     * Prompt plus the output the endpoint will be asked for (the requested one, cut to its limit) must
     * fit the context; the exact count is made only when the cheap bound does not settle it.
     */
    private static Rejection contextRejection(Model model, Endpoint e, RouteQuery query) {
        long output = query.maxTokens() == null ? 1 : e.outputLimit(query.maxTokens());
        if (query.prompt().upperBound() + output <= e.contextLength()) {
            return null;
        }
        long needed = query.prompt().tokens(model.tokenizer()) + output;
        return needed <= e.contextLength() ? null : new Rejection.ContextExceeded(e.id(), needed, e.contextLength());
    }

    private static Rejection priceRejection(Endpoint e, MaxPrice max) {
        if (max == null) {
            return null;
        }
        if (above(e.pricing().prompt(), max.prompt())) {
            return new Rejection.PriceAboveMax(e.id(), "prompt");
        }
        if (above(e.pricing().completion(), max.completion())) {
            return new Rejection.PriceAboveMax(e.id(), "completion");
        }
        if (above(e.pricing().request(), max.request())) {
            return new Rejection.PriceAboveMax(e.id(), "request");
        }
        if (above(e.pricing().image(), max.image())) {
            return new Rejection.PriceAboveMax(e.id(), "image");
        }
        return null;
    }

    private static boolean above(BigDecimal price, BigDecimal max) {
        return max != null && price != null && price.compareTo(max) > 0;
    }

    /**
     * OpenRouter's soft preference: when some endpoints support {@code tools},
     * {@code response_format} or {@code verbosity} and others do not, only the supporting ones are kept.
     */
    private static List<Endpoint> preferSupporting(List<Endpoint> fit, RouteQuery query, List<Rejection> rejections) {
        List<Endpoint> result = fit;
        if (query.hasTools()) {
            result = keepSupporting(result, "tools", rejections);
        }
        if (query.hasResponseFormat()) {
            result = keepSupporting(result, "response_format", rejections);
        }
        if (query.parameters().contains("verbosity")) {
            result = keepSupporting(result, "verbosity", rejections);
        }
        return result;
    }

    private static List<Endpoint> keepSupporting(List<Endpoint> endpoints, String parameter, List<Rejection> rejections) {
        List<Endpoint> supporting = endpoints.stream().filter(e -> declares(e, parameter)).toList();
        if (supporting.isEmpty() || supporting.size() == endpoints.size()) {
            return endpoints;
        }
        for (Endpoint e : endpoints) {
            if (!supporting.contains(e)) {
                rejections.add(new Rejection.ParametersUnsupported(e.id(), Set.of(parameter), false));
            }
        }
        return supporting;
    }

    /** Parameters the request uses that the endpoint does not list; an endpoint listing none is taken to accept all. */
    static Set<String> unsupported(Endpoint e, Set<String> requestParameters) {
        Set<String> missing = new LinkedHashSet<>();
        for (String parameter : requestParameters) {
            if (LLM_PARAMETERS.contains(parameter) && !declares(e, parameter)) {
                missing.add(parameter);
            }
        }
        return missing;
    }

    private static boolean declares(Endpoint e, String parameter) {
        Set<String> supported = e.supportedParameters();
        if (supported.isEmpty() || supported.contains(parameter)) {
            return true;
        }
        // the two names of the output limit are interchangeable for routing
        return switch (parameter) {
            case "max_tokens" -> supported.contains("max_completion_tokens");
            case "max_completion_tokens" -> supported.contains("max_tokens");
            default -> false;
        };
    }

    /** OpenRouter's base-slug matching: "azure" matches provider "azure" and "azure/eu". */
    static boolean slugMatches(String slug, Endpoint e) {
        String provider = e.provider().id().value();
        return provider.equals(slug) || provider.startsWith(slug + "/");
    }
}
