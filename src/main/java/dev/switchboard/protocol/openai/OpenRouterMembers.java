package dev.switchboard.protocol.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.JsonMembers;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The request members that are OpenRouter's, not OpenAI's, and what Switchboard does with each.
 * The rule (docs/protocols.md, "Request members"): every member is honoured, passed to an upstream
 * that honours it, or refused with a 400 naming it — unless OpenRouter documents ignoring it. These
 * are acted on by the gateway and never forwarded raw; every other member passes through to
 * OpenAI-protocol upstreams (DESIGN.md §4: vLLM and others honour extra parameters).
 */
public final class OpenRouterMembers {

    /** What the gateway does with one OpenRouter member. */
    public enum Handling {
        /** Routing: model fallbacks, provider preferences (routing.md). */
        ROUTED,
        /** Translated into the upstream's own terms ({@code reasoning} → {@code reasoning_effort}, thinking, ...). */
        TRANSLATED,
        /** Accepted and without effect, as OpenRouter documents. */
        IGNORED_AS_DOCUMENTED,
        /** Acted on by another part of the gateway (plugins, transforms, presets). */
        GATEWAY_FEATURE,
        /** Refused with a 400 naming it: Switchboard cannot do what it asks. */
        REFUSED
    }

    /** Each member, in the order of OpenRouter's request schema (api_reference/overview.mdx). */
    public static final Map<String, Handling> MEMBERS = Map.ofEntries(
            Map.entry("models", Handling.ROUTED),
            Map.entry("provider", Handling.ROUTED),
            // route: "fallback" is what `models` always does (model-fallbacks.mdx)
            Map.entry("route", Handling.IGNORED_AS_DOCUMENTED),
            // usage-accounting.mdx: "usage: {include: true} ... deprecated and ha[s] no effect"
            Map.entry("usage", Handling.IGNORED_AS_DOCUMENTED),
            Map.entry("reasoning", Handling.TRANSLATED),
            // parameters.mdx: "Deprecated alias for reasoning.exclude"
            Map.entry("include_reasoning", Handling.TRANSLATED),
            Map.entry("plugins", Handling.GATEWAY_FEATURE),
            Map.entry("transforms", Handling.GATEWAY_FEATURE),
            Map.entry("preset", Handling.GATEWAY_FEATURE),
            // echo_upstream_body, and Broadcast's session grouping and trace metadata: nothing here does them
            Map.entry("debug", Handling.REFUSED),
            Map.entry("session_id", Handling.REFUSED),
            Map.entry("trace", Handling.REFUSED));

    /** The members an upstream never sees as sent. */
    static final Set<String> NOT_FORWARDED = MEMBERS.keySet();

    private OpenRouterMembers() {
    }

    /** True for a member the gateway acts on instead of forwarding. */
    public static boolean isGatewayMember(String name) {
        return MEMBERS.containsKey(name);
    }

    /**
     * Checks the value of a member of {@link Handling#IGNORED_AS_DOCUMENTED} or {@link Handling#REFUSED}
     * as the decoder meets it; other members pass.
     *
     * @throws JsonMembers.InvalidMember naming the member when it is malformed or refused
     */
    static void check(String name, JsonParser p) throws IOException {
        switch (name) {
            case "usage" -> usage(p);
            case "route" -> route(p);
            case "debug" -> debug(p);
            case "session_id", "trace" -> {
                if (p.currentToken() != JsonToken.VALUE_NULL) {
                    throw new JsonMembers.InvalidMember(name, name + ": not supported: Switchboard has no Broadcast "
                            + "(per-key trace export); use the X-Title header or `user` to group requests");
                }
            }
            default -> {
                // not an OpenRouter member this class checks
            }
        }
    }

    private static void usage(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new JsonMembers.InvalidMember("usage", "usage: expected an object such as {\"include\": true}");
        }
        JsonNode include = ((JsonNode) Json.MAPPER.readTree(p)).get("include");
        if (include != null && !include.isBoolean() && !include.isNull()) {
            throw new JsonMembers.InvalidMember("usage.include", "usage.include: expected true or false");
        }
    }

    private static void route(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NULL && !(t == JsonToken.VALUE_STRING && p.getText().equals("fallback"))) {
            throw new JsonMembers.InvalidMember("route", "route: expected \"fallback\" (the only routing mode)");
        }
    }

    private static void debug(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new JsonMembers.InvalidMember("debug", "debug: expected an object");
        }
        JsonNode echo = ((JsonNode) Json.MAPPER.readTree(p)).get("echo_upstream_body");
        if (echo != null && echo.asBoolean(false)) {
            throw new JsonMembers.InvalidMember("debug.echo_upstream_body",
                    "debug.echo_upstream_body: not supported (Switchboard does not echo the body it sends upstream)");
        }
    }
}
