package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.AccountingUnavailable;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.accounting.CreditBook;
import dev.switchboard.accounting.Money;
import dev.switchboard.accounting.RateLimiter;
import dev.switchboard.accounting.Usage;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.protocol.Json;
import dev.switchboard.routing.RouteQuery;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The accounting side of one request: a ledger slot, the key's rate limits, a reservation of the
 * worst-case cost against its credit limit, and at the end the settlement and the ledger row.
 * Exactly one of {@link #settle} or {@link #abandon} ends it. Event-loop confined.
 */
final class RequestAccounting {
    private static final Logger LOG = LoggerFactory.getLogger(RequestAccounting.class);
    /** Extra prompt tokens reserved for chat framing the tokenizer count does not see. */
    private static final long FRAMING_TOKENS = 16;

    private final Accounts accounts;
    private final Caller caller;
    private final Attribution attribution;
    /** The most output the request may produce (null: up to the endpoint's maximum). */
    private final Long maxTokens;
    /** How many choices ({@code n}) the request generates, each up to {@link #maxTokens}. */
    private final long choices;
    private final String user;
    private final String generationId;
    private final int webSearches;
    private final long startMillis;
    private boolean admitted;
    private boolean ended;
    private CreditBook.Reservation reservation;
    private long tokensTaken;

    /** Who a request is for, beyond its key: the app (X-Title) and its URL (HTTP-Referer). */
    record Attribution(String app, String appUrl) {
        static final Attribution NONE = new Attribution(null, null);
    }

    /** How a generation ended, for settlement and the ledger. */
    /** How a served request ended; {@code droppedTools}: the hosted tools its endpoint could not run (null: none). */
    record Outcome(Endpoint endpoint, Metering metering, String upstreamId, String finishReason, boolean streamed,
                   boolean cancelled, Long latencyMs, int attempts, String droppedTools) {

        Outcome(Endpoint endpoint, Metering metering, String upstreamId, String finishReason, boolean streamed,
                boolean cancelled, Long latencyMs, int attempts) {
            this(endpoint, metering, upstreamId, finishReason, streamed, cancelled, latencyMs, attempts, null);
        }
    }

    RequestAccounting(Accounts accounts, Caller caller, Attribution attribution, Long maxTokens, long choices,
                      String user, String generationId) {
        this(accounts, caller, attribution, maxTokens, choices, user, generationId, 0);
    }

    /** As above, for a request the web plugin ran {@code webSearches} searches for (their price is reserved too). */
    RequestAccounting(Accounts accounts, Caller caller, Attribution attribution, Long maxTokens, long choices,
                      String user, String generationId, int webSearches) {
        this.webSearches = webSearches;
        this.accounts = accounts;
        this.caller = caller;
        this.attribution = attribution;
        this.maxTokens = maxTokens;
        this.choices = choices;
        this.user = user;
        this.generationId = generationId;
        this.startMillis = accounts.clock().millis();
    }

    /** Takes a ledger slot; a full ledger refuses new work rather than grow without bound. */
    GatewayError admit() {
        if (accounts.ledger().tryAdmit()) {
            admitted = true;
            return null;
        }
        return new GatewayError(503, "service_unavailable",
                "Switchboard is writing usage slower than requests arrive; retry shortly", null, null,
                Map.of("Retry-After", "1"));
    }

    /**
     * Applies the key's requests- and tokens-per-minute, then reserves the worst case of its credits,
     * and calls {@code then} on the request's context with null (admitted) or the refusal. The
     * tokens taken are the prompt plus the most output any planned endpoint may produce (the
     * requested output, cut to each endpoint's limit, times {@code n}). A shared limiter or book may
     * answer later: should the request have ended meanwhile, whatever arrives is given back at once.
     */
    void limitAndReserve(List<Endpoint> plan, RouteQuery.PromptSize prompt, Function<Endpoint, String> tokenizers,
                         Context context, Consumer<GatewayError> then) {
        KeyRecord key = caller.key();
        if (key == null || key.requestsPerMinute() == null && key.tokensPerMinute() == null) {
            reserve(plan, prompt, tokenizers, context, then);
            return;
        }
        long tokens = key.tokensPerMinute() == null ? 0 : prompt.tokens(tokenizers.apply(plan.getFirst())) + mostOutput(plan);
        var acquired = accounts.rateLimiter().acquire(key.hash(), key.requestsPerMinute(), key.tokensPerMinute(),
                tokens, accounts.clock().millis());
        OnContext.then(acquired, context, (decision, failure) -> {
            if (failure != null) {
                if (!ended) {
                    then.accept(accountingUnavailable("rate limits", failure));
                }
                return;
            }
            if (decision instanceof RateLimiter.Limited limited) {
                if (!ended) {
                    then.accept(rateLimited(limited));
                }
                return;
            }
            tokensTaken = tokens;
            if (ended) {
                giveTokensBack(key);
                return;
            }
            reserve(plan, prompt, tokenizers, context, then);
        });
    }

    private static GatewayError rateLimited(RateLimiter.Limited limited) {
        ObjectNode metadata = Json.object().put("error_type", "rate_limit_exceeded").put("limit", limited.what());
        String retryAfter = Long.toString(Math.max(1, (limited.retryAfterMillis() + 999) / 1000));
        return new GatewayError(429, "rate_limit_error", "Rate limit exceeded: this key allows " + limited.limit() + " "
                + limited.what() + " per minute", null, metadata,
                Map.of("Retry-After", retryAfter,
                        "X-RateLimit-Limit", Long.toString(limited.limit()),
                        "X-RateLimit-Remaining", Long.toString(limited.remaining()),
                        "X-RateLimit-Reset", Long.toString(limited.resetAtMillis())));
    }

    /** The shared counters could not be reached; logged once per failure here, the policy lives in the book. */
    private GatewayError accountingUnavailable(String what, Throwable failure) {
        if (failure instanceof AccountingUnavailable) { // an outage, logged once by whoever saw it begin
            LOG.debug("request {}: checking the key's {} failed: {}", generationId, what, failure.toString());
        } else {
            LOG.warn("request {}: checking the key's {} failed: {}", generationId, what, failure.toString());
        }
        return new GatewayError(503, "service_unavailable", "Switchboard could not check this key's " + what
                + " and refuses rather than spend past them; retry shortly", null, null, Map.of("Retry-After", "1"));
    }

    private long mostOutput(List<Endpoint> plan) {
        if (maxTokens == null) {
            return 0;
        }
        long most = 0;
        for (Endpoint e : plan) {
            most = Math.max(most, e.outputLimit(maxTokens));
        }
        return Math.multiplyHigh(most, choices) != 0 ? Long.MAX_VALUE : most * choices;
    }

    /**
     * Reserves the worst case over the endpoints that may serve: prompt × prompt price + maximum
     * output × completion price + request fee, the output being the requested one cut to each
     * endpoint's own limit (what that endpoint is asked for), once per choice ({@code n}). The cheap
     * prompt bound is tried first; only if it does not fit are the tokens counted.
     */
    private void reserve(List<Endpoint> plan, RouteQuery.PromptSize prompt, Function<Endpoint, String> tokenizers,
                         Context context, Consumer<GatewayError> then) {
        KeyRecord key = caller.key();
        if (key == null || key.limitPico() == null) {
            then.accept(null);
            return;
        }
        long bound = worstCase(plan, e -> prompt.upperBound());
        reserve(key, bound, context, then, () -> {
            long counted = worstCase(plan, e -> prompt.tokens(tokenizers.apply(e)) + FRAMING_TOKENS);
            reserve(key, counted, context, then, null);
        });
    }

    /** One reservation; when it does not fit, {@code orElse} tries a smaller one, or the request is refused with 402. */
    private void reserve(KeyRecord key, long amountPico, Context context, Consumer<GatewayError> then, Runnable orElse) {
        OnContext.then(accounts.credits().reserve(key, amountPico, accounts.clock().millis()), context, (held, failure) -> {
            if (failure == null) {
                if (ended) {
                    releaseQuietly(held);
                    return;
                }
                reservation = held;
                then.accept(null);
            } else if (ended) {
                return;
            } else if (!(failure instanceof CreditBook.InsufficientCredits e)) {
                then.accept(accountingUnavailable("credits", failure));
            } else if (orElse != null) {
                orElse.run();
            } else {
                then.accept(new GatewayError(402, "insufficient_quota", "Insufficient credits: this request may cost up to $"
                        + Money.toUsd(e.requestedPico()).toPlainString() + " and the key has $"
                        + Money.toUsd(e.remainingPico()).toPlainString() + " left of its limit", null,
                        Json.object().put("limit_remaining", Money.toUsd(e.remainingPico())), null));
            }
        });
    }

    private long worstCase(List<Endpoint> plan, Function<Endpoint, Long> promptTokens) {
        long worst = 0;
        for (Endpoint e : plan) {
            long prompt = promptTokens.apply(e);
            long output = Metering.mostOutput(e, maxTokens, choices, prompt);
            Pricing p = e.pricing();
            BigDecimal usd = p.prompt().multiply(BigDecimal.valueOf(prompt))
                    .add(p.completion().multiply(BigDecimal.valueOf(output)))
                    .divide(BigDecimal.valueOf(1_000_000)).add(p.requestOrZero())
                    .add(Metering.webSearchCost(e, webSearches));
            worst = Math.max(worst, Money.toPicoSaturated(usd));
        }
        return worst;
    }

    /** Charges the generation, corrects the rate limit and writes the ledger row. */
    void settle(Outcome outcome) {
        if (ended) {
            return;
        }
        ended = true;
        long now = accounts.clock().millis();
        Usage usage = outcome.metering().usage();
        long cost = Money.toPico(outcome.metering().cost());
        logFailure(reservation != null ? accounts.credits().settle(reservation, cost, now)
                : accounts.credits().charge(caller.keyHash(), cost, now), "settling its cost");
        KeyRecord key = caller.key();
        if (key != null && key.tokensPerMinute() != null) {
            logFailure(accounts.rateLimiter().adjustTokens(key.hash(), key.tokensPerMinute(),
                    usage.totalTokens() - tokensTaken, now), "correcting its tokens per minute");
        }
        Endpoint e = outcome.endpoint();
        // embeddings account with no output (0): no limit to record
        Long requested = maxTokens != null && maxTokens > 0 ? maxTokens : null;
        accounts.ledger().record(new GenerationRecord(generationId, startMillis, caller.keyHash(), e.model().value(),
                e.provider().id().value(), e.provider().name(), outcome.upstreamId(), attribution.app(),
                attribution.appUrl(), user, usage.promptTokens(), usage.completionTokens(),
                usage.cachedTokens(), usage.cacheWriteTokens(), usage.reasoningTokens(), usage.estimated(), cost,
                outcome.latencyMs(), now - startMillis, outcome.streamed(), outcome.cancelled(),
                outcome.finishReason(), outcome.attempts(), requested, e.outputLimit(requested), outcome.droppedTools()));
        admitted = false;
    }

    /** The request ended without a generation: give everything back. */
    void abandon() {
        if (ended) {
            return;
        }
        ended = true;
        if (reservation != null) {
            releaseQuietly(reservation);
        }
        KeyRecord key = caller.key();
        if (key != null) {
            giveTokensBack(key);
        }
        if (admitted) {
            accounts.ledger().release();
            admitted = false;
        }
    }

    private void giveTokensBack(KeyRecord key) {
        if (key.tokensPerMinute() != null && tokensTaken > 0) {
            logFailure(accounts.rateLimiter().adjustTokens(key.hash(), key.tokensPerMinute(), -tokensTaken,
                    accounts.clock().millis()), "giving back its tokens per minute");
            tokensTaken = 0;
        }
    }

    private void releaseQuietly(CreditBook.Reservation held) {
        logFailure(accounts.credits().release(held), "releasing its reservation");
    }

    /** Settling happens after the answer: a failure cannot reach the client; the book's own expiry and reconciliation repair it. */
    private void logFailure(CompletableFuture<Void> done, String what) {
        if (!done.isDone() || done.isCompletedExceptionally()) {
            done.whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.warn("request {}: {} failed: {}", generationId, what, failure.toString());
                }
            });
        }
    }

    long startMillis() {
        return startMillis;
    }
}
