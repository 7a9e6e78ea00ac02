package dev.switchboard.providers.openai;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Protocol;
import dev.switchboard.catalog.Provider;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.JsonMembers;

import java.util.List;

/**
 * A Responses API client's request as it goes to an upstream that serves the Responses API
 * itself: the body the gateway prepared (conversation expanded, Switchboard's members removed)
 * with only {@code model} and {@code stream} set; every other member keeps the client's bytes.
 * Pure.
 */
final class ResponsesRequest {
    private ResponsesRequest() {
    }

    /**
     * {@code POST {base_url}/responses}. Azure serves the Responses API only on its v1 path (the
     * 2024-10-21 data-plane spec has no {@code /responses} under {@code /deployments}), so a classic
     * Azure base URL gets {@code /openai/v1/responses}, with the deployment name in {@code model}.
     */
    static String url(Endpoint endpoint) {
        Provider provider = endpoint.provider();
        String base = provider.baseUrl();
        if (provider.protocol() == Protocol.AZURE && !base.endsWith("/openai/v1")) {
            return base + "/openai/v1/responses";
        }
        return base + "/responses";
    }

    /** The prepared body with {@code model} replaced (or added) and {@code stream} saying how the answer is read. */
    static byte[] body(byte[] prepared, String upstreamModel, boolean stream) {
        return body(prepared, upstreamModel, stream, null);
    }

    /**
     * As above, with {@code max_output_tokens} set to {@code maxOutputTokens} when it is not null (the
     * client's limit cut to the endpoint's).
     */
    static byte[] body(byte[] prepared, String upstreamModel, boolean stream, Long maxOutputTokens) {
        List<JsonMembers.Member> members = JsonMembers.scan(prepared, (name, parser) -> {
        });
        ByteSink out = new ByteSink(prepared.length + 64);
        out.append((byte) '{');
        boolean first = true;
        boolean wroteModel = false;
        boolean wroteStream = false;
        for (JsonMembers.Member m : members) {
            if (!first) {
                out.append((byte) ',');
            }
            first = false;
            switch (m.name()) {
                case "model" -> {
                    out.ascii("\"model\":").jsonString(upstreamModel);
                    wroteModel = true;
                }
                case "stream" -> {
                    out.ascii("\"stream\":").ascii(Boolean.toString(stream));
                    wroteStream = true;
                }
                case "max_output_tokens" -> {
                    if (maxOutputTokens != null) {
                        out.ascii("\"max_output_tokens\":").ascii(Long.toString(maxOutputTokens));
                    } else {
                        out.append(prepared, m.start(), m.end());
                    }
                }
                default -> out.append(prepared, m.start(), m.end());
            }
        }
        if (!wroteModel) {
            out.ascii(first ? "" : ",").ascii("\"model\":").jsonString(upstreamModel);
            first = false;
        }
        if (stream && !wroteStream) {
            out.ascii(first ? "" : ",").ascii("\"stream\":true");
        }
        out.append((byte) '}');
        return out.toByteArray();
    }
}
