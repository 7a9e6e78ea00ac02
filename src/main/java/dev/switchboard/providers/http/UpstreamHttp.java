package dev.switchboard.providers.http;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.providers.ConnectionLeases;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.UpstreamFailure;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.URI;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP client all adapters share: pooled keep-alive connections, HTTP/2 negotiated by ALPN
 * with TLS upstreams (HTTP/1.1 otherwise), TCP_NODELAY. One instance per event loop, created on
 * it, so upstream connections live on the same thread as the client connection they serve.
 */
public final class UpstreamHttp {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UpstreamHttp.class);
    /** Connections per upstream host and event loop: above any sane max_connections, so the leases are the limit. */
    static final int POOL_PER_HOST = 100_000;
    private final ConnectionLeases leases;
    private final HttpClientAgent plain;
    private final HttpClientAgent tls;
    /** Parsed upstream URLs; this instance lives on one event loop, so a plain map is safe. */
    private final Map<String, Target> targets = new HashMap<>();

    /** Where a URL points, parsed once. */
    private record Target(String host, int port, boolean ssl, String uri) {
        static Target parse(String url) {
            URI u = URI.create(url);
            boolean ssl = "https".equalsIgnoreCase(u.getScheme());
            int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
            String uri = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            return new Target(u.getHost(), port, ssl, uri.isEmpty() ? "/" : uri);
        }
    }

    public UpstreamHttp(Vertx vertx, ConnectionLeases leases) {
        this.leases = leases;
        // the pool itself never makes a request wait: ConnectionLeases bounds each provider, and
        // refuses at once, before a request would queue here
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(POOL_PER_HOST).setHttp2MaxSize(16).setMaxWaitQueueSize(-1);
        this.plain = vertx.httpClientBuilder()
                .with(common().setProtocolVersion(HttpVersion.HTTP_1_1))
                .with(pool)
                .build();
        this.tls = vertx.httpClientBuilder()
                .with(common().setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true)
                        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)))
                .with(pool)
                .build();
    }

    private static HttpClientOptions common() {
        return new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(64 * 1024);
    }

    /** Makes a provider's failure of a non-2xx answer, from its response (status, headers) and body. */
    public interface ErrorReader {
        UpstreamFailure read(HttpClientResponse response, byte[] body);
    }

    /**
     * POSTs {@code body} with the provider's timeouts. Completes with a 2xx response (paused when
     * {@code stream}, so nothing is read before the stream's reader starts); any other answer fails
     * with what {@code errors} makes of it and of its first {@link BoundedBody#MAX_ERROR_BYTES}.
     */
    public Future<HttpClientResponse> exchange(UpstreamCall call, String url, MultiMap headers, byte[] body,
                                               boolean stream, ErrorReader errors) {
        var timeouts = call.endpoint().provider().timeouts();
        return post(call, url, headers, VertxBuffers.wrap(body), timeouts.connectMs(), timeouts.idleMs())
                .compose(response -> {
                    if (response.statusCode() / 100 == 2) {
                        if (stream) {
                            response.pause();
                        }
                        return Future.succeededFuture(response);
                    }
                    return BoundedBody.errorPrefix(response, BoundedBody.MAX_ERROR_BYTES)
                            .compose(errorBody -> Future.failedFuture(errors.read(response, errorBody.getBytes())));
                });
    }

    /**
     * Sends a POST and completes with the response head. The request is reset when the call is
     * cancelled. Every failure is an {@link UpstreamFailure}. Adds the call's {@code traceparent}.
     */
    public Future<HttpClientResponse> post(UpstreamCall call, String url, MultiMap headers, Buffer body,
                                           long connectTimeoutMs, long idleTimeoutMs) {
        EndpointId endpoint = call.endpoint().id();
        Target target = targets.computeIfAbsent(url, Target::parse);
        if (call.traceparent() != null) {
            headers.set("traceparent", call.traceparent()); // the provider's work joins the attempt's trace
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.ssl())
                .setURI(target.uri())
                .setHeaders(headers)
                .setConnectTimeout(call.within(connectTimeoutMs))
                .setIdleTimeout(call.within(idleTimeoutMs));
        HttpClientAgent agent = target.ssl() ? tls : plain;
        int max = call.endpoint().provider().maxConnections();
        ConnectionLeases.Lease lease = leases.tryAcquire(endpoint.provider(), max);
        if (lease == null) {
            return Future.failedFuture(new UpstreamFailure.AtCapacity(endpoint, "Switchboard already has " + max
                    + " requests open with provider " + endpoint.provider() + " (its max_connections); not sent"));
        }
        return agent.request(options)
                .recover(t -> Future.failedFuture(failure(endpoint, t, "connecting")))
                .compose(request -> send(call, request, body))
                .andThen(sent -> {
                    if (sent.succeeded()) {
                        // completes when the answer is read to its end, and fails on a reset or a broken connection
                        sent.result().end().onComplete(ended -> lease.release());
                    } else {
                        lease.release();
                    }
                });
    }

    private static Future<HttpClientResponse> send(UpstreamCall call, HttpClientRequest request, Buffer body) {
        call.cancel().onCancel(request::reset);
        return request.send(body)
                .recover(t -> Future.failedFuture(failure(call, t, "waiting for the response")));
    }

    /**
     * As {@link #failure(EndpointId, Throwable, String)} for a failure of {@code call}; when the gateway
     * cancelled the call itself (client gone, a deadline), the reset it sees is its own: no warning
     * blames the provider for it.
     */
    public static UpstreamFailure failure(UpstreamCall call, Throwable t, String phase) {
        if (call.cancel().isCancelled() && !(t instanceof UpstreamFailure)) {
            return new UpstreamFailure.StreamBroken(call.endpoint().id(), "the call to provider "
                    + call.endpoint().id().provider() + " was cancelled while " + phase, t);
        }
        return failure(call.endpoint().id(), t, phase);
    }

    /**
     * Turns a transport exception into the failure kind that decides what the gateway does next. The
     * message, which clients see, says what failed in our words; the transport's own detail
     * ({@code io_uring connect(..) failed with error(-111)}) goes to the log.
     */
    public static UpstreamFailure failure(EndpointId endpoint, Throwable t, String phase) {
        if (t instanceof UpstreamFailure f) {
            return f;
        }
        ProviderId provider = endpoint.provider();
        if (t instanceof ConnectTimeoutException) {
            return new UpstreamFailure.NotReached(endpoint, "could not connect to provider " + provider
                    + " (connect timeout)", t);
        }
        if (t instanceof TimeoutException) {
            return new UpstreamFailure.TimedOut(endpoint, "no data from the provider while " + phase
                    + " (idle timeout)");
        }
        if (describe(t).contains("Too many open files")) {
            // our own limit, not the provider's failure: said as such, and kept out of its health
            return new UpstreamFailure.AtCapacity(endpoint, "Switchboard has no file descriptor left to connect to "
                    + "provider " + provider + " (the process's open-file limit); not sent");
        }
        log.warn("provider {} failed while {}: {}", provider, phase, describe(t));
        if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof SSLException) {
            return new UpstreamFailure.NotReached(endpoint, "could not connect to provider " + provider
                    + " (" + connectReason(t) + ")", t);
        }
        return new UpstreamFailure.StreamBroken(endpoint, "the connection to provider " + provider
                + " failed while " + phase, t);
    }

    private static String connectReason(Throwable t) {
        if (t instanceof UnknownHostException) {
            return "unknown host";
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof SSLException) {
            return "TLS handshake failed";
        }
        return "connection refused or reset";
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    public Future<Void> close() {
        return Future.all(plain.close(), tls.close()).mapEmpty();
    }
}
