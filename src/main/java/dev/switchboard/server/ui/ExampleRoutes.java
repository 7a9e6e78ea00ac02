package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.Caller;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.ModelExample;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.protocol.Json;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.function.Consumer;

/**
 * A model page's example prompts and their answers. {@code POST /models/{author}/{slug}/examples}
 * (form: {@code index}, {@code key}, CSRF) is the admin's "generate" button: the gateway answers the
 * example once, exactly as {@code POST /v1/chat/completions} would (routed, metered, billed to the
 * inference key picked on the page), and the answer is kept for every later view of the page.
 */
final class ExampleRoutes {
    static final String PATH_SUFFIX = "/examples";

    private final Pages pages;
    private final Gateway gateway;

    ExampleRoutes(Pages pages, Gateway gateway) {
        this.pages = pages;
        this.gateway = gateway;
    }

    /** The examples section of {@code model}'s page for {@code caller}; the admin's lists the keys it may bill. */
    void view(HttpServerRequest request, Caller caller, Model model, Consumer<ModelExamples.View> then) {
        ExampleOutputs outputs = pages.ui().exampleOutputs();
        if (!caller.admin()) {
            then.accept(ModelExamples.build(model, outputs, false, List.of(), 0));
            return;
        }
        pages.await(request, pages.accounts().listKeys(), keys -> then.accept(
                ModelExamples.build(model, outputs, true, keys, pages.accounts().clock().millis())));
    }

    /** {@code POST /models/{id}/examples}: generates one example's answer, then shows the page again. */
    void generate(HttpServerRequest request, String id, UiRoutes.ChatIntoSink chat) {
        pages.form(request, (session, form) -> pages.viewer(request, session, true, admin -> {
            Model model = gateway.catalog().find(id).filter(Model::listed).orElse(null);
            if (model == null) {
                pages.errorPage(request, session, 404, "Model not found", "There is no listed model \"" + id + "\".");
                return;
            }
            List<ModelExample> examples = ModelExamples.of(model);
            int index = index(form.get("index"), examples.size());
            if (index < 0) {
                pages.errorPage(request, session, 400, "Bad request",
                        "index: expected an example's number, 0 to " + (examples.size() - 1));
                return;
            }
            pages.await(request, PlaygroundBilling.caller(pages.accounts(), session, form.get(PlaygroundBilling.KEY_PARAM)),
                    billed -> ask(request, session, model, examples.get(index), billed, chat));
        }));
    }

    private void ask(HttpServerRequest request, Sessions.Session session, Model model, ModelExample example, Caller billed,
                     UiRoutes.ChatIntoSink chat) {
        String id = model.id().value();
        var body = Json.object().put("model", id);
        body.putArray("messages").addObject().put("role", "user").put("content", example.prompt());
        CollectedAnswer sink = new CollectedAnswer();
        try {
            chat.serve(request, Json.bytes(body), billed, sink);
        } catch (GatewayError e) {
            pages.fail(request, e);
            return;
        }
        pages.await(request, sink.answer(), answer -> {
            JsonNode json = Json.parse(answer.json());
            if (answer.status() != 200) {
                pages.errorPage(request, session, answer.status(), "No answer",
                        "The gateway could not answer the example: " + json.path("error").path("message").asText("HTTP " + answer.status()));
                return;
            }
            String text = json.path("choices").path(0).path("message").path("content").asText("");
            String provider = json.path("provider").isTextual() ? json.path("provider").asText() : null;
            pages.ui().exampleOutputs().put(id, example.prompt(), new ExampleOutputs.Generated(text,
                    json.path("model").asText(id), provider, pages.accounts().clock().millis()));
            Responses.redirect(request, "/models/" + id + "#examples");
        });
    }

    /** The example's number, or -1 when it is not one of the {@code count} examples. */
    private static int index(String value, int count) {
        try {
            int index = value == null ? -1 : Integer.parseInt(value.strip());
            return index >= 0 && index < count ? index : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
