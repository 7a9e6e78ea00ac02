package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.Provider;
import dev.switchboard.protocol.Json;

import java.util.function.Supplier;

/**
 * The catalog listings beside the single-model routes: {@code GET /models} with OpenRouter's filters,
 * {@code /models/count}, {@code /models/user} and {@code /providers}.
 */
final class CatalogRoutes {
    private final Supplier<Catalog> catalog;

    CatalogRoutes(Supplier<Catalog> catalog) {
        this.catalog = catalog;
    }

    void list(Route.Call call) {
        send(call, CatalogJson.list(query(call).select(catalog.get().listedWithVariants())));
    }

    /** {@code {data: {count}}}: how many models the same filters list (the page parameters aside). */
    void count(Route.Call call) {
        int count = query(call).filter().apply(catalog.get().listedWithVariants()).size();
        ObjectNode body = Json.object();
        body.putObject("data").put("count", count);
        send(call, body);
    }

    /**
     * The models the calling key may use. Keys carry no provider, model or data-policy restrictions yet,
     * so these are the models with at least one enabled endpoint: the list of {@code /models}.
     */
    void forCaller(Route.Call call) {
        send(call, CatalogJson.list(query(call).select(catalog.get().listedWithVariants())));
    }

    /**
     * The enabled providers in OpenRouter's shape. The configuration holds no headquarters, datacenters
     * or policy links, so those members are null.
     */
    void providers(Route.Call call) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        for (Provider p : catalog.get().providers()) {
            if (!p.enabled()) {
                continue;
            }
            ObjectNode node = data.addObject().put("name", p.name()).put("slug", p.id().value());
            node.putNull("privacy_policy_url");
            node.putNull("terms_of_service_url");
            node.putNull("status_page_url");
            node.putNull("headquarters");
            node.putNull("datacenters");
        }
        send(call, body);
    }

    private static ModelListQuery query(Route.Call call) {
        return ModelListQuery.parse(call.request()::getParam);
    }

    private static void send(Route.Call call, ObjectNode body) {
        HttpEdge.sendJson(call.request().response(), 200, body);
    }
}
