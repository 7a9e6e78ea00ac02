package dev.switchboard.store;

/** Usage of one day, model, provider and app: what {@code GET /activity} and the UI's charts show. */
public record ActivityRow(long day, String model, String providerId, String providerName, String app, long requests,
                          long promptTokens, long completionTokens, long reasoningTokens, long costPico) {
}
