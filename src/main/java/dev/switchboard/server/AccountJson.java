package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.CreditBook;
import dev.switchboard.accounting.Money;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.ActivityRow;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** The JSON of the account routes, in OpenRouter's shapes (money in US dollars, times in ISO 8601 UTC). */
final class AccountJson {
    private AccountJson() {
    }

    /** A key as the keys API shows it: settings and spending, never the secret. */
    static ObjectNode key(KeyRecord key, CreditBook.Balance balance) {
        ObjectNode json = Json.object()
                .put("hash", key.hash())
                .put("name", key.name())
                .put("label", key.label())
                .put("disabled", key.disabled());
        spending(json, key, balance);
        json.put("expires_at", time(key.expiresAt()));
        json.put("created_at", time(key.createdAt()));
        json.put("updated_at", time(key.updatedAt()));
        return json;
    }

    /** {@code GET /key}: the calling key, as OpenRouter's {@code /key} describes it. */
    static ObjectNode currentKey(KeyRecord key, CreditBook.Balance balance, boolean admin) {
        ObjectNode json = Json.object();
        json.put("label", key.label());
        json.put("name", key.name());
        json.put("hash", admin ? null : key.hash());
        spending(json, key, balance);
        json.put("expires_at", time(key.expiresAt()));
        json.put("is_free_tier", false);
        json.put("is_management_key", admin);
        json.put("is_provisioning_key", admin);
        json.put("include_byok_in_limit", false);
        json.put("byok_usage", 0).put("byok_usage_daily", 0).put("byok_usage_weekly", 0).put("byok_usage_monthly", 0);
        json.putNull("creator_user_id");
        return data(json);
    }

    /** {@code GET /credits}: the limit as the credits, and the usage that counts against it. */
    static ObjectNode credits(KeyRecord key, CreditBook.Balance balance) {
        long counted = key.limitReset() == null ? balance.usagePico() : switch (key.limitReset()) {
            case DAILY -> balance.dailyPico();
            case WEEKLY -> balance.weeklyPico();
            case MONTHLY -> balance.monthlyPico();
        };
        ObjectNode json = Json.object();
        json.put("total_credits", Money.toUsd(key.limitPico()));
        json.put("total_usage", Money.toUsd(counted));
        return data(json);
    }

    private static void spending(ObjectNode json, KeyRecord key, CreditBook.Balance balance) {
        json.put("limit", Money.toUsd(key.limitPico()));
        json.put("limit_remaining", Money.toUsd(balance.remainingPico()));
        json.put("limit_reset", key.limitReset() == null ? null : key.limitReset().slug());
        json.put("usage", Money.toUsd(balance.usagePico()));
        json.put("usage_daily", Money.toUsd(balance.dailyPico()));
        json.put("usage_weekly", Money.toUsd(balance.weeklyPico()));
        json.put("usage_monthly", Money.toUsd(balance.monthlyPico()));
        json.put("reserved", Money.toUsd(balance.reservedPico()));
        if (key.requestsPerMinute() == null && key.tokensPerMinute() == null) {
            json.putNull("rate_limit");
        } else {
            ObjectNode rate = json.putObject("rate_limit");
            rate.put("requests_per_minute", key.requestsPerMinute());
            rate.put("tokens_per_minute", key.tokensPerMinute());
            // OpenRouter's (deprecated) shape, for clients that read it
            rate.put("requests", key.requestsPerMinute());
            rate.put("interval", "1m");
        }
    }

    static ObjectNode keys(List<ObjectNode> keys) {
        ObjectNode json = Json.object();
        ArrayNode data = json.putArray("data");
        keys.forEach(data::add);
        return json;
    }

    /** {@code POST /keys}: the new key, with its secret (shown only here). */
    static ObjectNode created(ObjectNode key, String secret) {
        ObjectNode json = data(key);
        json.put("key", secret);
        return json;
    }

    /** {@code GET /generation}: the ledger row in OpenRouter's field names. */
    static ObjectNode generation(GenerationRecord g) {
        ObjectNode json = Json.object()
                .put("id", g.id())
                .put("created_at", time(g.createdAt()))
                .put("model", g.model())
                .put("provider", g.providerId())
                .put("provider_name", g.providerName())
                .put("upstream_id", g.upstreamId())
                .put("api_type", "completions")
                .put("app", g.app())
                .put("http_referer", g.appUrl())
                .put("external_user", g.externalUser())
                .put("api_key_hash", g.keyHash())
                .put("streamed", g.streamed())
                .put("cancelled", g.cancelled())
                .put("finish_reason", g.finishReason())
                .put("native_finish_reason", g.finishReason())
                .put("tokens_prompt", g.tokensPrompt())
                .put("tokens_completion", g.tokensCompletion())
                .put("native_tokens_prompt", g.tokensPrompt())
                .put("native_tokens_completion", g.tokensCompletion())
                .put("native_tokens_cached", g.tokensCached())
                .put("native_tokens_cache_write", g.tokensCacheWrite())
                .put("native_tokens_reasoning", g.tokensReasoning())
                .put("usage_estimated", g.usageEstimated())
                .put("total_cost", Money.toUsd(g.costPico()))
                .put("usage", Money.toUsd(g.costPico()))
                .put("latency", g.latencyMs())
                .put("generation_time", g.generationTimeMs())
                .put("attempts", g.attempts())
                .put("max_tokens_requested", g.maxTokensRequested())
                .put("max_tokens", g.maxTokens())
                .put("max_tokens_clamped", g.maxTokensClamped())
                .put("dropped_tools", g.droppedTools())
                .put("is_byok", false);
        return data(json);
    }

    /** {@code GET /activity}: one entry per day, model, provider and app. */
    static ObjectNode activity(List<ActivityRow> rows) {
        ObjectNode json = Json.object();
        ArrayNode data = json.putArray("data");
        for (ActivityRow r : rows) {
            data.addObject()
                    .put("date", LocalDate.ofEpochDay(r.day()).toString())
                    .put("model", r.model())
                    .put("provider", r.providerId())
                    .put("provider_name", r.providerName())
                    .put("app", r.app())
                    .put("requests", r.requests())
                    .put("prompt_tokens", r.promptTokens())
                    .put("completion_tokens", r.completionTokens())
                    .put("reasoning_tokens", r.reasoningTokens())
                    .put("usage", Money.toUsd(r.costPico()))
                    .put("byok_usage_inference", 0);
        }
        return json;
    }

    private static ObjectNode data(ObjectNode value) {
        ObjectNode json = Json.object();
        json.set("data", value);
        return json;
    }

    private static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
