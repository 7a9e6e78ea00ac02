package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;

/**
 * A {@code response_format} asking for JSON, for upstreams without OpenAI's member (Anthropic,
 * Bedrock): the answer is asked for as the input of one forced tool, {@value #TOOL}, whose input
 * schema is the client's schema ({@code json_object}: any object), and {@link OutputToolAnswer}
 * turns that call back into the message's content. {@code text} asks for nothing.
 *
 * @param description what the tool is for, told to the model (the schema's own description when given)
 * @param schema the JSON Schema of the answer; its root is an object, as both APIs require of a tool input
 */
public record StructuredOutput(String description, ObjectNode schema) {
    /** The name of the tool that carries the answer; a client's tool of that name is refused. */
    public static final String TOOL = "json_response";

    /**
     * The structured output a {@code response_format} asks for, or null for none or {@code text}.
     *
     * @throws InvalidRequestException naming the member when the format is malformed
     */
    public static StructuredOutput of(JsonNode format) {
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw new InvalidRequestException("response_format", "response_format: expected an object with a type");
        }
        String type = format.path("type").asText("");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> new StructuredOutput("Give the answer as a JSON object.", anyObject());
            case "json_schema" -> ofSchema(format.path("json_schema"));
            default -> throw new InvalidRequestException("response_format.type",
                    "response_format.type: expected text, json_object or json_schema (got \"" + type + "\")");
        };
    }

    private static StructuredOutput ofSchema(JsonNode jsonSchema) {
        if (!jsonSchema.isObject()) {
            throw new InvalidRequestException("response_format.json_schema",
                    "response_format.json_schema: required (an object with name and schema)");
        }
        JsonNode schema = jsonSchema.get("schema");
        if (schema != null && !schema.isNull() && !schema.isObject()) {
            throw new InvalidRequestException("response_format.json_schema.schema",
                    "response_format.json_schema.schema: expected a JSON Schema object");
        }
        if (schema != null && schema.isObject() && schema.has("type") && !schema.path("type").asText().equals("object")) {
            // a tool input is an object in both APIs; OpenAI's strict mode asks the same of the root
            throw new InvalidRequestException("response_format.json_schema.schema.type",
                    "response_format.json_schema.schema.type: the root of the schema must be \"object\" for this model's providers");
        }
        String name = jsonSchema.path("name").asText("response");
        String description = jsonSchema.path("description").asText("");
        String told = "Give the answer (" + name + ") as this tool's input." + (description.isEmpty() ? "" : " " + description);
        return new StructuredOutput(told, schema == null || schema.isNull() ? anyObject() : (ObjectNode) schema);
    }

    /** Whether a translated request asks for structured output (and its answer needs {@link OutputToolAnswer}). */
    public static boolean requested(ChatRequest request) {
        return request != null && request.hasResponseFormat() && of(request.field("response_format")) != null;
    }

    /** Refuses a client tool that has the output tool's name: its calls could not be told apart. */
    public static void refuseClash(String toolName, String at) {
        if (toolName.equals(TOOL)) {
            throw new InvalidRequestException(at, at + ": \"" + TOOL + "\" is reserved for response_format on this model's providers");
        }
    }

    private static ObjectNode anyObject() {
        return Json.object().put("type", "object");
    }
}
