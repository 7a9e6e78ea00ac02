package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.StructuredOutput;

/**
 * {@code response_format} for Bedrock: one more {@code toolSpec} whose {@code inputSchema.json} is
 * the client's schema, and a {@code toolChoice} of {@code any}, which with that tool alone forces it
 * (Converse's {@code tool} choice is Claude and Nova only; {@code any} reaches more models). Beside
 * the client's own tools the model must call one of them or answer through the output tool; a named
 * choice stays.
 */
final class OutputTool {
    private OutputTool() {
    }

    /** The {@code toolConfig} to send, given the one translated from the client's tools (may be null). */
    static ObjectNode config(ObjectNode clientConfig, StructuredOutput output) {
        ObjectNode config = clientConfig == null ? Json.object() : clientConfig;
        ArrayNode tools = config.has("tools") ? (ArrayNode) config.get("tools") : config.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            StructuredOutput.refuseClash(tools.get(i).path("toolSpec").path("name").asText(), "tools[" + i + "].function.name");
        }
        ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", StructuredOutput.TOOL)
                .put("description", output.description());
        spec.putObject("inputSchema").set("json", output.schema());
        if (!config.has("toolChoice") || config.path("toolChoice").has("auto")) {
            config.putObject("toolChoice").putObject("any");
        }
        return config;
    }
}
