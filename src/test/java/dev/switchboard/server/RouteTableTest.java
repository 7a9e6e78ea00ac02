package dev.switchboard.server;

import dev.switchboard.gateway.GatewayError;
import dev.switchboard.server.Route.Access;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTableTest {
    private static final Route.Handler NOTHING = call -> {
    };
    private final Route chat = Route.post("/v1/chat/completions", Access.INFERENCE, NOTHING);
    private final Route getResponse = Route.get("/v1/responses/{id}", Access.INFERENCE, NOTHING);
    private final Route deleteResponse = Route.delete("/v1/responses/{id}", Access.INFERENCE, NOTHING);
    private final Route inputItems = Route.get("/v1/responses/{id}/input_items", Access.INFERENCE, NOTHING);
    private final Route endpoints = Route.get("/v1/models/{author}/{slug}/endpoints", Access.OPEN, NOTHING);
    private final RouteTable table = new RouteTable(List.of(chat, getResponse, deleteResponse, inputItems, endpoints));

    @Test
    void findsFixedAndTemplatedRoutesWithTheirValues() {
        assertThat(table.find(HttpMethod.POST, "/v1/chat/completions")).isEqualTo(new RouteTable.Match(chat, List.of()));
        assertThat(table.find(HttpMethod.DELETE, "/v1/responses/resp_1"))
                .isEqualTo(new RouteTable.Match(deleteResponse, List.of("resp_1")));
        assertThat(table.find(HttpMethod.GET, "/v1/responses/resp_1/input_items"))
                .isEqualTo(new RouteTable.Match(inputItems, List.of("resp_1")));
        assertThat(table.find(HttpMethod.GET, "/v1/models/openai/gpt-4.1/endpoints").params())
                .containsExactly("openai", "gpt-4.1");
    }

    @Test
    void aKnownPathWithAnotherMethodIs405NamingTheAllowedOnes() {
        assertThatThrownBy(() -> table.find(HttpMethod.GET, "/v1/chat/completions"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(405);
                    assertThat(e.getMessage()).contains("allowed: POST");
                });
        assertThatThrownBy(() -> table.find(HttpMethod.PATCH, "/v1/responses/resp_1"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.getMessage()).contains("GET, DELETE"));
    }

    @Test
    void anUnknownPathOrAnEmptyOrExtraSegmentIs404() {
        for (String path : List.of("/v1/nothing", "/v1/responses/", "/v1/responses//input_items",
                "/v1/responses/a/b", "/v1/models/openai/endpoints", "/v1/models/a/b/c/endpoints")) {
            assertThatThrownBy(() -> table.find(HttpMethod.GET, path)).as(path)
                    .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    @Test
    void templatesNameTheRouteForMetricsAndNothingElse() {
        assertThat(table.template("/v1/responses/resp_123")).isEqualTo("/v1/responses/{id}");
        assertThat(table.template("/v1/chat/completions")).isEqualTo("/v1/chat/completions");
        assertThat(table.template("/v1/random/path")).isNull();
    }
}
