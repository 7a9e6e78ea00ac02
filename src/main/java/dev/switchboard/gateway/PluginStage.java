package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.plugins.MiddleOut;
import dev.switchboard.plugins.PdfFiles;
import dev.switchboard.plugins.PluginRequest;
import dev.switchboard.plugins.SearchResult;
import dev.switchboard.plugins.WebContext;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The plugins around the attempt loop. Request side, before routing: the web plugin's search, the
 * file-parser's PDF text and the middle-out transform rewrite the messages (search over Vert.x's
 * client, parsing and token counting on a worker). Answer side: a {@link PluginAnswerSink} heals
 * JSON and adds citations. A request that asks for no plugin, and whose model is large enough not
 * to be compressed by default, goes straight through.
 */
final class PluginStage {
    private static final Logger LOG = LoggerFactory.getLogger(PluginStage.class);

    private final SwitchboardConfig.Plugins settings;
    /** One search client per Vert.x instance (tests run several gateways in one JVM). */
    private final ConcurrentMap<Vertx, WebSearchClient> searchClients = new ConcurrentHashMap<>();

    PluginStage(SwitchboardConfig.Plugins settings) {
        this.settings = settings;
    }

    /** What the attempt loop serves: the (possibly rewritten) request, and the sink decorated for the answer side. */
    record Prepared(ChatRequest request, ClientSink sink) {
    }

    /**
     * Runs the request side of the plugins {@code request} asks for ({@code online}: the model's
     * {@code :online} variant, the web plugin without options), then hands the result to
     * {@code then} on the caller's event loop, or a 400 / 502 to {@code failed}. A malformed
     * {@code plugins} or {@code transforms} is thrown at once as a 400.
     */
    void prepare(Gateway gateway, ChatRequest request, boolean online, ClientSink sink, Vertx vertx,
                 Consumer<Prepared> then, Consumer<GatewayError> failed) {
        PluginRequest plugins = pluginsOf(request, online);
        Optional<Model> model = gateway.catalog().find(request.model());
        boolean web = plugins.web() != null;
        if (web && settings.web() == null) {
            throw GatewayError.badRequest("plugins", "plugins: the web plugin needs a search backend, and none is"
                    + " configured on this server (plugins.web in its configuration)");
        }
        boolean pdfs = parsesPdfs(plugins, model, request);
        Long budget = compressionBudget(plugins, gateway, request);
        ClientSink answerSink = answerSink(sink, healing(plugins, request), List.of());
        if (!web && !pdfs && budget == null) {
            then.accept(new Prepared(request, answerSink));
            return;
        }
        Future<List<SearchResult>> searched = web ? search(vertx, request, plugins.web()) : Future.succeededFuture(List.of());
        searched.onComplete(found -> {
            if (found.failed()) {
                failed.accept(searchError(found.cause()));
                return;
            }
            List<SearchResult> results = found.result();
            String tokenizer = model.map(Model::tokenizer).orElse(null);
            vertx.executeBlocking(() -> rewrite(request, pdfs, web, results, plugins, gateway.clock(), budget, tokenizer), false)
                    .onComplete(rewritten -> {
                        if (rewritten.succeeded()) {
                            then.accept(new Prepared(rewritten.result(),
                                    answerSink(sink, healing(plugins, request), results)));
                        } else if (rewritten.cause() instanceof InvalidRequestException invalid) {
                            failed.accept(GatewayError.badRequest(invalid.param(), invalid.getMessage()));
                        } else {
                            LOG.error("applying the request's plugins failed", rewritten.cause());
                            failed.accept(GatewayError.internal("applying the request's plugins failed"));
                        }
                    });
        });
    }

    private static GatewayError searchError(Throwable failure) {
        if (failure instanceof GatewayError error) {
            return error;
        }
        if (failure instanceof WebSearchClient.SearchFailed why) {
            return new GatewayError(502, "upstream_error", "Web search failed: " + why.getMessage(), null, null, null);
        }
        LOG.error("the web search failed", failure);
        return GatewayError.internal("the web search failed; the server log has details");
    }

    private static PluginRequest pluginsOf(ChatRequest request, boolean online) {
        PluginRequest plugins = PluginRequest.NONE;
        if (request.parameters().contains("plugins") || request.parameters().contains("transforms")) {
            try {
                plugins = PluginRequest.parse(request.field("plugins"), request.field("transforms"));
            } catch (InvalidRequestException e) {
                throw GatewayError.badRequest(e.param(), e.getMessage());
            }
        }
        return online ? plugins.withWeb() : plugins;
    }

    /**
     * PDFs become text when the file-parser asks for it, or by default when the model cannot read files.
     * A large body is searched for PDFs on the worker, not here.
     */
    private static boolean parsesPdfs(PluginRequest plugins, Optional<Model> model, ChatRequest request) {
        boolean wanted = plugins.fileParser() != null ? plugins.fileParser().parsesPdfs()
                : model.isPresent() && !model.get().inputModalities().contains("file");
        return wanted && (request.body().length > PromptSize.INLINE_COUNT_BYTES || PdfFiles.mayHoldPdf(request.body()));
    }

    /**
     * The prompt's token budget when middle-out applies and the prompt may be over it, else null:
     * what the largest context among the requested models' endpoints leaves after the output asked for.
     */
    private static Long compressionBudget(PluginRequest plugins, Gateway gateway, ChatRequest request) {
        if (plugins.compression() == PluginRequest.Compression.OFF) {
            return null;
        }
        long largestContext = 0;
        long budget = -1;
        for (String id : request.modelsToTry()) {
            for (Endpoint e : gateway.catalog().find(id).map(Model::enabledEndpoints).orElse(List.of())) {
                Long output = request.maxTokens() == null ? Long.valueOf(1) : e.outputLimit(request.maxTokens());
                largestContext = Math.max(largestContext, e.contextLength());
                budget = Math.max(budget, e.contextLength() - output);
            }
        }
        boolean on = plugins.compression() == PluginRequest.Compression.ON
                || largestContext > 0 && largestContext <= MiddleOut.DEFAULT_MAX_CONTEXT;
        if (!on || budget < 0) {
            return null;
        }
        PromptSize size = new PromptSize(request);
        if (size.countsOffLoop()) {
            return budget; // measured on the worker: MiddleOut leaves a prompt that fits as it is
        }
        // the size bound (bytes, images at their token price) is never below the token count: under budget, nothing to cut
        return size.upperBound() <= budget ? null : budget;
    }

    private static boolean healing(PluginRequest plugins, ChatRequest request) {
        if (!plugins.responseHealing() || request.stream() || !request.hasResponseFormat()) {
            return false;
        }
        String type = request.field("response_format").path("type").asText();
        return type.equals("json_object") || type.equals("json_schema");
    }

    private static ClientSink answerSink(ClientSink sink, boolean heal, List<SearchResult> citations) {
        return heal || !citations.isEmpty() ? new PluginAnswerSink(sink, heal, citations) : sink;
    }

    private Future<List<SearchResult>> search(Vertx vertx, ChatRequest request, PluginRequest.WebOptions options) {
        SwitchboardConfig.WebSearch web = settings.web();
        int max = options.maxResults() != null ? options.maxResults() : web.maxResults();
        WebSearchClient client = searchClients.computeIfAbsent(vertx, v -> new WebSearchClient(v, web));
        // the messages are parsed off the loop: a prompt may be megabytes
        return vertx.executeBlocking(() -> WebContext.query(request.messages()), false).compose(query -> query.isEmpty()
                ? Future.failedFuture(GatewayError.badRequest("messages",
                        "messages: the web plugin searches for the last user message's text, and there is none"))
                : client.search(query.get()).map(results -> WebContext.select(results, options, max)));
    }

    /** The blocking part, on a worker: the new messages, and the request re-decoded from them. */
    private static ChatRequest rewrite(ChatRequest request, boolean pdfs, boolean web, List<SearchResult> results,
                                       PluginRequest plugins, java.time.Clock clock, Long budget, String tokenizer) {
        boolean withPdfs = pdfs && PdfFiles.mayHoldPdf(request.body());
        // copied only when changed in place (middle-out copies what it keeps)
        ArrayNode messages = withPdfs || web ? (ArrayNode) request.messages().deepCopy() : (ArrayNode) request.messages();
        boolean changed = false;
        if (withPdfs) {
            changed = PdfFiles.parsePdfs(messages) > 0;
        }
        if (web && !results.isEmpty()) {
            String prompt = plugins.web().searchPrompt() != null ? plugins.web().searchPrompt()
                    : WebContext.defaultPrompt(LocalDate.now(clock));
            WebContext.addToLastUserMessage(messages, WebContext.block(prompt, results));
            changed = true;
        }
        if (budget != null) {
            JsonNode tools = request.field("tools");
            MiddleOut.Result fitted = MiddleOut.fit(messages, budget, m -> TokenCounter.countPrompt(m, tools, tokenizer));
            if (fitted.changed()) {
                messages = fitted.messages();
                changed = true;
            }
        }
        int searches = web ? 1 : 0;
        if (!changed) {
            return searches == 0 ? request : ChatRequest.decode(request.body(), request.original(), searches);
        }
        ObjectNode body = (ObjectNode) Json.parse(request.body());
        body.set("messages", messages);
        // the client's own Messages / Responses body no longer says what is sent: upstreams get the translation
        return ChatRequest.decode(Json.bytes(body), null, searches);
    }
}
