package dev.switchboard.gateway;

/**
 * One finished inference request, for the access log: never a prompt, an answer or a key's secret
 * or hash. {@code keyName} is the key's display name (null without a key); {@code model} and
 * {@code provider} are the catalog model and provider id that served (null when none did);
 * {@code costUsd} is a plain decimal string; times are milliseconds ({@code firstTokenMs} null
 * unless a stream produced a token).
 */
public record RequestSummary(String generationId, String operation, String keyName, String app, String model,
                             String provider, int status, String outcome, long promptTokens, long completionTokens,
                             String costUsd, long latencyMs, Long firstTokenMs, boolean streamed, int attempts,
                             String finishReason) {
}
