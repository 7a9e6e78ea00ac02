package dev.switchboard.store;

/**
 * One node's latency (ms) and throughput (tokens/s) histograms of one endpoint in one minute, in
 * HdrHistogram's compressed encoding; the store keeps them as opaque bytes.
 */
public record EndpointHistograms(long minute, String model, String providerId, String node, byte[] latencyMs,
                                 byte[] tokensPerSecond) {
}
