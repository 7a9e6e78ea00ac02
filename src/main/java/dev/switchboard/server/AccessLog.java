package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.RequestSummary;
import dev.switchboard.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * One line per finished request on the {@code switchboard.access} logger, as {@code key=value}
 * text or as JSON. Inference requests carry their generation, tokens, cost and timings; other
 * routes only method, route, status and latency. Never a prompt, an answer, a key's secret or
 * hash: only the key's name. Formatting happens on the event loop; the appender (logback.xml)
 * writes on its own thread.
 */
final class AccessLog {
    static final String LOGGER = "switchboard.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final boolean enabled;
    private final boolean json;

    AccessLog(boolean enabled, boolean json) {
        this.enabled = enabled;
        this.json = json;
    }

    boolean enabled() {
        return enabled && log.isInfoEnabled();
    }

    /** Logs one request; {@code summary} is null for routes that do not reach a model. */
    void write(String method, String route, int status, long latencyMs, RequestSummary summary) {
        if (!enabled()) {
            return;
        }
        Instant now = Instant.now();
        log.info(json ? json(now, method, route, status, latencyMs, summary)
                : text(now, method, route, status, latencyMs, summary));
    }

    static String text(Instant time, String method, String route, int status, long latencyMs, RequestSummary s) {
        StringBuilder line = new StringBuilder(320);
        line.append("time=").append(time).append(" method=").append(method).append(" route=").append(route).append(" status=").append(status);
        if (s == null) {
            return line.append(" latency_ms=").append(latencyMs).toString();
        }
        line.append(" outcome=").append(s.outcome())
                .append(" generation_id=").append(s.generationId())
                .append(" operation=").append(s.operation());
        quoted(line, "key", s.keyName());
        quoted(line, "model", s.model());
        quoted(line, "provider", s.provider());
        line.append(" prompt_tokens=").append(s.promptTokens())
                .append(" completion_tokens=").append(s.completionTokens())
                .append(" cost_usd=").append(s.costUsd())
                .append(" latency_ms=").append(s.latencyMs())
                .append(" ttft_ms=").append(s.firstTokenMs() == null ? "-" : s.firstTokenMs().toString())
                .append(" streamed=").append(s.streamed())
                .append(" attempts=").append(s.attempts());
        quoted(line, "finish_reason", s.finishReason());
        quoted(line, "app", s.app());
        return line.toString();
    }

    /** {@code name=value}, quoted when it holds spaces or quotes, "-" when absent; control characters are escaped. */
    private static void quoted(StringBuilder line, String name, String value) {
        line.append(' ').append(name).append('=');
        if (value == null) {
            line.append('-');
            return;
        }
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > ' ' && c != '"' && c != '\\' && c != '=' && c < 0x7f;
        }
        if (plain) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }

    static String json(Instant time, String method, String route, int status, long latencyMs, RequestSummary s) {
        ObjectNode line = Json.object().put("time", time.toString()).put("method", method).put("route", route).put("status", status);
        if (s == null) {
            return line.put("latency_ms", latencyMs).toString();
        }
        line.put("outcome", s.outcome())
                .put("generation_id", s.generationId())
                .put("operation", s.operation())
                .put("key", s.keyName())
                .put("model", s.model())
                .put("provider", s.provider())
                .put("prompt_tokens", s.promptTokens())
                .put("completion_tokens", s.completionTokens())
                .put("cost_usd", new java.math.BigDecimal(s.costUsd()))
                .put("latency_ms", s.latencyMs())
                .put("ttft_ms", s.firstTokenMs())
                .put("streamed", s.streamed())
                .put("attempts", s.attempts())
                .put("finish_reason", s.finishReason())
                .put("app", s.app());
        return line.toString();
    }
}
