package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.conversations.StoredResponses;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.protocol.ClientOriginal;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import dev.switchboard.protocol.responses.ResponseMeta;
import dev.switchboard.protocol.responses.ResponsesRequest;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAI Responses API ({@code /v1/responses}): a request is translated to a chat completion
 * (its conversation expanded from a stored {@code previous_response_id}), served by the gateway like
 * any other, and answered through {@link ResponsesSink}; with {@code store} (the default) the answer
 * is kept for its key, to be read, listed, deleted or continued.
 */
final class ResponsesRoutes {
    private static final int DEFAULT_ITEMS = 20;
    private static final int MAX_ITEMS = 100;

    private final HttpEdge edge;
    private final InferenceRoutes inference;
    private final StoredResponses stored;
    private final Catalog catalog;

    ResponsesRoutes(HttpEdge edge, InferenceRoutes inference, StoredResponses stored, Catalog catalog) {
        this.edge = edge;
        this.inference = inference;
        this.stored = stored;
        this.catalog = catalog;
    }

    void create(Route.Call call) {
        ResponsesRequest request = InferenceRoutes.decoded(() -> ResponsesRequest.decode(call.body()));
        String previous = request.previousResponseId();
        if (previous == null) {
            serve(call, request, List.of());
            return;
        }
        edge.when(call.request(), stored.find(previous, keyHash(call.caller())), found -> serve(call, request,
                found.orElseThrow(() -> GatewayError.badRequest("previous_response_id", "Previous response with id '"
                        + previous + "' not found (responses are kept only with store: true, for the key that made them)"))
                        .continuation()));
    }

    private void serve(Route.Call call, ResponsesRequest request, List<ObjectNode> history) {
        ChatRequest chat = InferenceRoutes.decode(withHostedToolRoute(request, request.toChat(history)),
                ClientOriginal.responses(request.forUpstream(history), List.copyOf(request.hostedTools())));
        String responseId = ResponseMeta.newResponseId();
        ResponseMeta meta = ResponseMeta.of(responseId, request, stored.clock());
        List<ObjectNode> context = new ArrayList<>(history);
        context.addAll(request.inputItems());
        String keyHash = keyHash(call.caller());
        ResponsesSink sink = new ResponsesSink(new ResponseSink(call.request().response(), call.exchange()), meta,
                response -> {
                    if (request.store() && response != null) {
                        stored.keep(new StoredResponses.Answer(responseId, keyHash, request.previousResponseId(),
                                request.inputItems(), context, response));
                    }
                });
        inference.complete(call.request(), chat, sink, call.caller());
    }

    /**
     * A hosted tool that {@code tool_choice} requires can only be served by an upstream that speaks the
     * Responses API itself: the request is routed to those alone, or refused when the model has none.
     */
    private byte[] withHostedToolRoute(ResponsesRequest request, byte[] chatBody) {
        Optional<String> required = request.requiredHostedTool();
        if (required.isEmpty()) {
            return chatBody;
        }
        Model model = catalog.find(request.model()).orElse(null);
        if (model == null) {
            return chatBody; // the gateway answers 404 for the model
        }
        Set<String> native_ = new LinkedHashSet<>();
        for (Endpoint endpoint : model.endpoints()) {
            if (endpoint.provider().responsesApi()) {
                native_.add(endpoint.provider().id().value());
            }
        }
        if (native_.isEmpty()) {
            throw GatewayError.badRequest("tool_choice", "tool_choice requires the hosted tool \"" + required.get()
                    + "\", which only providers serving the Responses API themselves run, and no provider of "
                    + model.id().value() + " does");
        }
        ObjectNode body = (ObjectNode) Json.parse(chatBody);
        ObjectNode provider = body.has("provider") && body.get("provider").isObject() ? (ObjectNode) body.get("provider")
                : body.putObject("provider");
        ArrayNode only = provider.putArray("only");
        native_.forEach(only::add);
        return Json.bytes(body);
    }

    void get(Route.Call call) {
        String id = call.param(0);
        edge.when(call.request(), stored.find(id, keyHash(call.caller())), found -> HttpEdge.sendJson(
                call.request().response(), 200, found.orElseThrow(() -> notFound(id)).response()));
    }

    void delete(Route.Call call) {
        String id = call.param(0);
        edge.when(call.request(), stored.delete(id, keyHash(call.caller())), deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
            HttpEdge.sendJson(call.request().response(), 200,
                    Json.object().put("id", id).put("object", "response").put("deleted", true));
        });
    }

    /** {@code GET /responses/{id}/input_items}: {@code limit} (1–100, 20), {@code order} (desc, asc), {@code after}. */
    void inputItems(Route.Call call) {
        HttpServerRequest request = call.request();
        String id = call.param(0);
        int limit = limit(request.getParam("limit"));
        String order = request.getParam("order") == null ? "desc" : request.getParam("order").trim();
        if (!order.equals("asc") && !order.equals("desc")) {
            throw GatewayError.badRequest("order", "order must be asc or desc (got \"" + order + "\")");
        }
        String after = request.getParam("after");
        edge.when(request, stored.find(id, keyHash(call.caller())), found -> {
            List<ObjectNode> items = new ArrayList<>(found.orElseThrow(() -> notFound(id)).inputItems());
            if (order.equals("desc")) {
                java.util.Collections.reverse(items);
            }
            int from = 0;
            if (after != null) {
                from = items.size();
                for (int i = 0; i < items.size(); i++) {
                    if (after.equals(items.get(i).path("id").asText(null))) {
                        from = i + 1;
                        break;
                    }
                }
            }
            List<ObjectNode> page = items.subList(Math.min(from, items.size()), Math.min(from + limit, items.size()));
            ObjectNode body = Json.object().put("object", "list");
            ArrayNode data = body.putArray("data");
            page.forEach(data::add);
            body.put("first_id", page.isEmpty() ? null : page.getFirst().path("id").asText(null));
            body.put("last_id", page.isEmpty() ? null : page.getLast().path("id").asText(null));
            body.put("has_more", from + limit < items.size());
            HttpEdge.sendJson(request.response(), 200, body);
        });
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_ITEMS;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= MAX_ITEMS) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw GatewayError.badRequest("limit", "limit must be a whole number from 1 to " + MAX_ITEMS + " (got \"" + value + "\")");
    }

    private static GatewayError notFound(String id) {
        return GatewayError.notFound("Response with id '" + (id.length() > 100 ? id.substring(0, 100) + "…" : id)
                + "' not found");
    }

    private static String keyHash(Caller caller) {
        return caller.keyHash();
    }
}
