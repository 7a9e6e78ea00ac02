package dev.switchboard.server.ui;

import dev.switchboard.gateway.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** How the UI writes its answers: HTML pages with their security headers, redirects, and JSON errors for the playground. */
final class Responses {
    /** Scripts and styles only from this server: no inline script or style anywhere (scripts set styles through the CSSOM, which CSP allows). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private Responses() {
    }

    /** A page or fragment; never cached (pages show usage, and once a key's secret). */
    static void html(HttpServerRequest request, int status, String body) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("x-frame-options", "DENY")
                .putHeader("referrer-policy", "same-origin")
                .putHeader("cache-control", "no-store")
                .putHeader("content-type", "text/html; charset=utf-8")
                .setStatusCode(status)
                .end(body);
    }

    static void redirect(HttpServerRequest request, String location) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (request.getHeader("hx-request") != null) {
            // htmx would swap a followed redirect's page into the target; HX-Location makes it navigate
            response.setStatusCode(200).putHeader("hx-location", location).end();
            return;
        }
        response.setStatusCode(303).putHeader("location", location).putHeader("cache-control", "no-store").end();
    }

    /** An error in the API's JSON shape: what the playground's script reads, as it reads the gateway's own. */
    static void jsonError(HttpServerRequest request, GatewayError error) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.end();
            return;
        }
        error.headers().forEach(response::putHeader);
        response.setStatusCode(error.status()).putHeader("content-type", "application/json")
                .end(Buffer.buffer(error.bodyBytes()));
    }

    /** A static file: cached for a year when asked for by its content hash ({@code ?v=}), revalidated otherwise. */
    static void asset(HttpServerRequest request, StaticAssets.Asset asset) {
        HttpServerResponse response = request.response();
        String etag = "\"" + asset.hash() + "\"";
        boolean versioned = asset.hash().equals(request.getParam("v"));
        response.putHeader("etag", etag)
                .putHeader("cache-control", versioned ? "public, max-age=31536000, immutable" : "public, max-age=300")
                .putHeader("x-content-type-options", "nosniff");
        if (etag.equals(request.getHeader("if-none-match"))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader("content-type", asset.contentType()).end(Buffer.buffer(asset.bytes()));
    }
}
