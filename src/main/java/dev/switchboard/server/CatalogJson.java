package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.CostCalculator;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.protocol.Json;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.LiveStats;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeSet;

/**
 * The catalog as JSON: OpenAI's model object ({@code id, object, created, owned_by}) carrying
 * OpenRouter's model fields, and OpenRouter's endpoints listing. Prices are strings in USD per
 * token, as OpenRouter publishes them.
 */
final class CatalogJson {
    private CatalogJson() {
    }

    static ObjectNode list(List<Model> models) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (Model m : models) {
            data.add(model(m));
        }
        return body;
    }

    static ObjectNode model(Model m) {
        ObjectNode node = Json.object()
                .put("id", m.id().value())
                .put("object", "model")
                .put("created", created(m))
                .put("owned_by", m.id().author())
                .put("canonical_slug", m.id().value())
                .put("name", m.name())
                .put("description", m.description())
                .put("context_length", m.contextLength());
        node.set("architecture", architecture(m));
        node.set("pricing", pricing(m.pricing()));
        List<Endpoint> enabled = m.enabledEndpoints();
        ObjectNode top = node.putObject("top_provider");
        Endpoint first = enabled.isEmpty() ? null : enabled.getFirst();
        top.put("context_length", first == null ? m.contextLength() : first.contextLength());
        Long maxOutput = first == null ? m.maxOutputTokens() : first.maxOutputTokens();
        if (maxOutput == null) {
            top.putNull("max_completion_tokens");
        } else {
            top.put("max_completion_tokens", maxOutput);
        }
        top.put("is_moderated", false);
        node.putNull("per_request_limits");
        ArrayNode parameters = node.putArray("supported_parameters");
        new TreeSet<>(m.supportedParameters()).forEach(parameters::add);
        node.putNull("default_parameters");
        node.putArray("aliases").addAll(m.aliases().stream().map(Json.MAPPER.getNodeFactory()::textNode).toList());
        node.putObject("links").put("details", "/api/v1/models/" + m.id().value() + "/endpoints");
        return node;
    }

    /** {p50, p75, p90, p99} and, beside OpenRouter's fields, the window's {min, max, avg}; null without data. */
    private static JsonNode percentiles(EndpointStats.Percentiles p) {
        if (p == null) {
            return NullNode.getInstance();
        }
        return Json.object().put("p50", p.p50()).put("p75", p.p75()).put("p90", p.p90()).put("p99", p.p99())
                .put("min", p.min()).put("max", p.max()).put("avg", Math.round(p.mean() * 10) / 10.0);
    }

    static ObjectNode endpoints(Model m, LiveStats stats) {
        ObjectNode data = Json.object()
                .put("id", m.id().value())
                .put("name", m.name())
                .put("created", created(m))
                .put("description", m.description());
        data.set("architecture", architecture(m));
        ArrayNode list = data.putArray("endpoints");
        for (Endpoint e : m.enabledEndpoints()) {
            ObjectNode node = list.addObject()
                    .put("name", e.provider().name() + " | " + m.id().value())
                    .put("model_id", m.id().value())
                    .put("model_name", m.name())
                    .put("provider_name", e.provider().name())
                    .put("tag", e.provider().id().value())
                    .put("context_length", e.contextLength())
                    .put("max_prompt_tokens", e.contextLength());
            if (e.maxOutputTokens() == null) {
                node.putNull("max_completion_tokens");
            } else {
                node.put("max_completion_tokens", e.maxOutputTokens());
            }
            node.set("pricing", pricing(e.pricing()));
            node.put("quantization", e.quantization());
            ArrayNode parameters = node.putArray("supported_parameters");
            new TreeSet<>(e.supportedParameters()).forEach(parameters::add);
            LiveStats.View live = stats.view(e.id());
            node.put("status", live.status());
            node.put("uptime_last_5m", live.uptime5m());
            node.put("uptime_last_30m", live.uptime30m());
            node.put("uptime_last_1d", live.uptime1d());
            node.set("latency_last_30m", percentiles(live.latency30m()));
            node.set("throughput_last_30m", percentiles(live.throughput30m()));
            ArrayNode hourly = node.putArray("uptime_hourly");
            for (LiveStats.HourUptime h : stats.uptimeHourly(e.id())) {
                hourly.addObject().put("hour", Instant.ofEpochMilli(h.hourStartMillis()).toString()).put("uptime", h.uptime());
            }
            node.put("supports_implicit_caching", e.pricing().inputCacheRead() != null);
            ObjectNode policy = node.putObject("data_policy");
            var dataPolicy = e.provider().dataPolicy();
            if (dataPolicy.training() == null) {
                policy.putNull("training");
            } else {
                policy.put("training", dataPolicy.training());
            }
            if (dataPolicy.retentionDays() == null) {
                policy.putNull("retention_days");
            } else {
                policy.put("retention_days", dataPolicy.retentionDays());
            }
        }
        ObjectNode body = Json.object();
        body.set("data", data);
        return body;
    }

    private static ObjectNode architecture(Model m) {
        ObjectNode node = Json.object();
        node.put("modality", String.join("+", m.inputModalities()) + "->" + String.join("+", m.outputModalities()));
        node.putArray("input_modalities").addAll(m.inputModalities().stream().map(Json.MAPPER.getNodeFactory()::textNode).toList());
        node.putArray("output_modalities").addAll(m.outputModalities().stream().map(Json.MAPPER.getNodeFactory()::textNode).toList());
        node.put("tokenizer", tokenizerGroup(m.tokenizer()));
        node.putNull("instruct_type");
        return node;
    }

    /** OpenRouter's tokenizer family names; encodings of OpenAI's tiktoken are "GPT". */
    private static String tokenizerGroup(String tokenizer) {
        if (tokenizer == null || tokenizer.isBlank()) {
            return "Other";
        }
        return tokenizer.endsWith("_base") ? "GPT" : tokenizer;
    }

    private static ObjectNode pricing(Pricing p) {
        ObjectNode node = Json.object()
                .put("prompt", CostCalculator.perToken(p.prompt()))
                .put("completion", CostCalculator.perToken(p.completion()))
                .put("request", plain(p.request()))
                .put("image", plain(p.image()));
        if (p.webSearch() != null) {
            node.put("web_search", plain(p.webSearch()));
        }
        if (p.internalReasoning() != null) {
            node.put("internal_reasoning", CostCalculator.perToken(p.internalReasoning()));
        }
        if (p.inputCacheRead() != null) {
            node.put("input_cache_read", CostCalculator.perToken(p.inputCacheRead()));
        }
        if (p.inputCacheWrite() != null) {
            node.put("input_cache_write", CostCalculator.perToken(p.inputCacheWrite()));
        }
        if (p.inputCacheWrite1h() != null) {
            node.put("input_cache_write_1h", CostCalculator.perToken(p.inputCacheWrite1h()));
        }
        return node;
    }

    private static String plain(BigDecimal usd) {
        return usd == null || usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
    }

    private static long created(Model m) {
        return m.created() == null ? 0 : m.created().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }
}
