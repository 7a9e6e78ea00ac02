package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.StructuredOutput;

/**
 * {@code response_format} for Anthropic: a forced tool whose {@code input_schema} is the client's
 * schema (Anthropic's tool-use guide, "JSON mode"), since every Claude model supports tools while
 * {@code output_config.format} only newer ones do. With the client's own tools beside it the model
 * must call one of them or answer through the output tool ({@code any}); a named tool choice stays.
 */
final class OutputTool {
    private OutputTool() {
    }

    /** The tools to send: the output tool, after the client's unless its choice was {@code none}. */
    static ArrayNode tools(ArrayNode clientTools, ObjectNode clientChoice, StructuredOutput output) {
        ArrayNode tools = Json.MAPPER.createArrayNode();
        if (clientTools != null && !isType(clientChoice, "none")) {
            for (int i = 0; i < clientTools.size(); i++) {
                StructuredOutput.refuseClash(clientTools.get(i).path("name").asText(), "tools[" + i + "].function.name");
            }
            tools.addAll(clientTools);
        }
        tools.addObject().put("name", StructuredOutput.TOOL).put("description", output.description())
                .set("input_schema", output.schema());
        return tools;
    }

    /** The tool choice that makes the model answer through a tool. */
    static ObjectNode choice(ArrayNode tools, ObjectNode clientChoice) {
        if (tools.size() == 1) {
            return Json.object().put("type", "tool").put("name", StructuredOutput.TOOL);
        }
        if (clientChoice == null || isType(clientChoice, "auto")) {
            ObjectNode any = Json.object().put("type", "any");
            JsonNode parallel = clientChoice == null ? null : clientChoice.get("disable_parallel_tool_use");
            return parallel == null ? any : any.set("disable_parallel_tool_use", parallel);
        }
        return clientChoice;
    }

    private static boolean isType(ObjectNode choice, String type) {
        return choice != null && choice.path("type").asText().equals(type);
    }
}
