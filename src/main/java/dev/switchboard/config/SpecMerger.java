package dev.switchboard.config;

import dev.switchboard.config.Specs.AwsSpec;
import dev.switchboard.config.Specs.DataPolicySpec;
import dev.switchboard.config.Specs.EndpointSpec;
import dev.switchboard.config.Specs.ModelSpec;
import dev.switchboard.config.Specs.PricingSpec;
import dev.switchboard.config.Specs.ProviderSpec;
import dev.switchboard.config.Specs.TimeoutsSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field-level override of a built-in entry by the user's entry with the same id: fields the user
 * wrote win, the rest are kept. A model's endpoints merge by provider, so a user can change one
 * endpoint (say, an Azure deployment name) without repeating the others.
 */
final class SpecMerger {
    private SpecMerger() {
    }

    static Sourced<ProviderSpec> provider(Sourced<ProviderSpec> base, Sourced<ProviderSpec> user) {
        return new Sourced<>(provider(base.spec(), user.spec()), user.origin(), user.lines(), base, List.of());
    }

    static Sourced<ModelSpec> model(Sourced<ModelSpec> base, Sourced<ModelSpec> user) {
        List<Sourced<EndpointSpec>> endpoints = user.spec().endpoints() == null ? base.endpoints()
                : endpoints(base.endpoints(), user.endpoints());
        ModelSpec merged = model(base.spec(), user.spec(), endpoints.stream().map(Sourced::spec).toList());
        return new Sourced<>(merged, user.origin(), user.lines(), base, endpoints);
    }

    static ProviderSpec provider(ProviderSpec base, ProviderSpec user) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (base.headers() != null) {
            headers.putAll(base.headers());
        }
        if (user.headers() != null) {
            headers.putAll(user.headers());
        }
        return new ProviderSpec(
                base.id(),
                or(user.name(), base.name()),
                or(user.protocol(), base.protocol()),
                or(user.baseUrl(), base.baseUrl()),
                or(user.apiKey(), base.apiKey()),
                or(user.apiVersion(), base.apiVersion()),
                headers.isEmpty() ? null : headers,
                dataPolicy(base.dataPolicy(), user.dataPolicy()),
                timeouts(base.timeouts(), user.timeouts()),
                or(user.enabled(), base.enabled()),
                or(user.tokensPerSecond(), base.tokensPerSecond()),
                aws(base.aws(), user.aws()),
                or(user.responsesApi(), base.responsesApi()),
                or(user.maxConnections(), base.maxConnections()));
    }

    static AwsSpec aws(AwsSpec base, AwsSpec user) {
        if (base == null || user == null) {
            return user == null ? base : user;
        }
        return new AwsSpec(or(user.region(), base.region()), or(user.accessKeyId(), base.accessKeyId()),
                or(user.secretAccessKey(), base.secretAccessKey()), or(user.sessionToken(), base.sessionToken()));
    }

    static ModelSpec model(ModelSpec base, ModelSpec user, List<EndpointSpec> endpoints) {
        return new ModelSpec(
                base.id(),
                or(user.name(), base.name()),
                or(user.aliases(), base.aliases()),
                or(user.created(), base.created()),
                or(user.description(), base.description()),
                or(user.contextLength(), base.contextLength()),
                or(user.maxOutputTokens(), base.maxOutputTokens()),
                or(user.inputModalities(), base.inputModalities()),
                or(user.outputModalities(), base.outputModalities()),
                or(user.tokenizer(), base.tokenizer()),
                pricing(base.pricing(), user.pricing()),
                or(user.supportedParameters(), base.supportedParameters()),
                endpoints,
                or(user.categories(), base.categories()),
                or(user.examples(), base.examples()));
    }

    static PricingSpec pricing(PricingSpec base, PricingSpec user) {
        if (base == null || user == null) {
            return user == null ? base : user;
        }
        return new PricingSpec(
                or(user.prompt(), base.prompt()),
                or(user.completion(), base.completion()),
                or(user.inputCacheRead(), base.inputCacheRead()),
                or(user.inputCacheWrite(), base.inputCacheWrite()),
                or(user.request(), base.request()),
                or(user.image(), base.image()),
                or(user.webSearch(), base.webSearch()),
                or(user.internalReasoning(), base.internalReasoning()),
                or(user.inputCacheWrite1h(), base.inputCacheWrite1h()));
    }

    /** Endpoints merge by provider: the user's entry for a provider overrides the built-in one field by field. */
    private static List<Sourced<EndpointSpec>> endpoints(List<Sourced<EndpointSpec>> base, List<Sourced<EndpointSpec>> user) {
        List<Sourced<EndpointSpec>> merged = new ArrayList<>(base);
        for (Sourced<EndpointSpec> override : user) {
            int at = indexOfProvider(merged, override.spec().provider());
            if (at < 0) {
                merged.add(override);
            } else {
                Sourced<EndpointSpec> b = merged.get(at);
                EndpointSpec e = override.spec();
                EndpointSpec spec = new EndpointSpec(b.spec().provider(),
                        or(e.upstreamModel(), b.spec().upstreamModel()),
                        or(e.contextLength(), b.spec().contextLength()),
                        or(e.maxOutputTokens(), b.spec().maxOutputTokens()),
                        pricing(b.spec().pricing(), e.pricing()),
                        or(e.supportedParameters(), b.spec().supportedParameters()),
                        or(e.enabled(), b.spec().enabled()),
                        or(e.quantization(), b.spec().quantization()));
                merged.set(at, new Sourced<>(spec, override.origin(), override.lines(), b, List.of()));
            }
        }
        return merged;
    }

    private static int indexOfProvider(List<Sourced<EndpointSpec>> endpoints, String provider) {
        for (int i = 0; i < endpoints.size(); i++) {
            String p = endpoints.get(i).spec().provider();
            if (p != null && p.equalsIgnoreCase(provider)) {
                return i;
            }
        }
        return -1;
    }

    private static DataPolicySpec dataPolicy(DataPolicySpec base, DataPolicySpec user) {
        if (base == null || user == null) {
            return user == null ? base : user;
        }
        return new DataPolicySpec(or(user.training(), base.training()), or(user.retentionDays(), base.retentionDays()));
    }

    private static TimeoutsSpec timeouts(TimeoutsSpec base, TimeoutsSpec user) {
        if (base == null || user == null) {
            return user == null ? base : user;
        }
        return new TimeoutsSpec(or(user.connectMs(), base.connectMs()), or(user.firstTokenMs(), base.firstTokenMs()),
                or(user.idleMs(), base.idleMs()));
    }

    private static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
