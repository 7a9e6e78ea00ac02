package dev.switchboard.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Pays for first use at start-up instead of in the first requests: Vert.x's HTTP client and
 * server classes take 100-150 ms to load and initialise on a busy machine, which would otherwise
 * happen on an event loop, once in a verticle's start and once in the first upstream call.
 */
final class WarmUp {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WarmUp.class);

    private WarmUp() {
    }

    /** Initialises the option classes (and the header constants they load) on the calling thread, not an event loop. */
    static void optionClasses() {
        new HttpClientOptions();
        new HttpServerOptions();
    }

    /**
     * One request from an HTTP client to the gateway's own {@code /healthz}, before it reports ready:
     * the client and server request paths are loaded. A failure is only logged; the gateway serves anyway.
     */
    static Future<Void> selfRequest(Vertx vertx, String host, int port) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(reachable(host)).setPort(port)
                .setURI("/healthz").setTimeout(5_000);
        return client.request(request)
                .compose(r -> r.send())
                .compose(response -> response.body())
                .<Void>mapEmpty()
                .recover(t -> {
                    log.debug("warm-up request to /healthz failed: {}", t.toString());
                    return Future.succeededFuture();
                })
                .eventually(client::close);
    }

    /** A wildcard listen address is reached through the loopback interface. */
    private static String reachable(String host) {
        return switch (host) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> host;
        };
    }
}
