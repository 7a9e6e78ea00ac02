package dev.switchboard.gateway;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.plugins.SearchResult;
import dev.switchboard.plugins.Searxng;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The web plugin's calls to the configured search backend, on Vert.x's client (never blocking the
 * event loop), each within the configured deadline and with a bounded answer. The client closes with
 * its Vert.x instance.
 */
final class WebSearchClient {
    /** A search answer larger than this is not a list of snippets. */
    static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    private final SwitchboardConfig.WebSearch settings;
    private final HttpClient client;

    WebSearchClient(Vertx vertx, SwitchboardConfig.WebSearch settings) {
        this.settings = settings;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMs())));
    }

    /** The results for {@code query}, in the engine's order; fails with a {@link SearchFailed} saying why. */
    Future<List<SearchResult>> search(String query) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(settings.baseUrl() + Searxng.searchPath(query))
                .setIdleTimeout(settings.timeoutMs())
                .putHeader("Accept", "application/json");
        if (!settings.apiKey().isEmpty()) {
            options.putHeader("Authorization", "Bearer " + settings.apiKey());
        }
        return client.request(options)
                .compose(request -> request.send())
                .compose(this::body)
                .map(body -> Searxng.results(body.getBytes()))
                .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(failure instanceof SearchFailed ? failure
                        : new SearchFailed(describe(failure))));
    }

    private Future<Buffer> body(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            response.request().reset();
            return Future.failedFuture(new SearchFailed("the search engine answered HTTP " + response.statusCode()));
        }
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > MAX_ANSWER_BYTES) {
                done.tryFail(new SearchFailed("the search engine's answer is larger than " + MAX_ANSWER_BYTES + " bytes"));
                response.request().reset();
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> done.tryComplete(body));
        return done.future();
    }

    private String describe(Throwable failure) {
        if (failure instanceof Searxng.InvalidSearchAnswer invalid) {
            return invalid.getMessage();
        }
        if (failure instanceof java.util.concurrent.TimeoutException
                || failure instanceof io.vertx.core.http.HttpClosedException && failure.getMessage() != null
                && failure.getMessage().contains("timeout")) {
            return "the search engine did not answer within " + settings.timeoutMs() + " ms";
        }
        return "the search engine could not be reached (" + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")";
    }

    /** The search did not produce results; the request fails rather than be answered without them. */
    static final class SearchFailed extends RuntimeException {
        SearchFailed(String message) {
            super(message, null, false, false);
        }
    }
}
