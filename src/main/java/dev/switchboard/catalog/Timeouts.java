package dev.switchboard.catalog;

/** Upstream time limits in milliseconds: to connect, to the first token, and between bytes of a response. */
public record Timeouts(long connectMs, long firstTokenMs, long idleMs) {
    public static final Timeouts DEFAULT = new Timeouts(5_000, 60_000, 60_000);
}
