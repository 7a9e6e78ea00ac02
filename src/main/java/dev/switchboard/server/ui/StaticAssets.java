package dev.switchboard.server.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The UI's static files, read from the classpath once at start and served from memory: our own
 * CSS and script, htmx and Chart.js from their webjars. Only these names are served (no path is
 * ever mapped to the classpath). Each has a content hash: pages link {@code /static/NAME?v=HASH}
 * so browsers may keep a file for a year and still get a new one after an upgrade.
 */
final class StaticAssets {
    /** A file ready to send. */
    record Asset(String name, byte[] bytes, String contentType, String hash) {
        String versionedPath() {
            return "/static/" + name + "?v=" + hash;
        }
    }

    private static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js";
    private static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.min.js";

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    private StaticAssets() {
    }

    /** Loads every asset (blocking: call at start, not on an event loop). */
    static StaticAssets load() {
        StaticAssets loaded = new StaticAssets();
        loaded.add("app.css", "ui/static/app.css", "text/css; charset=utf-8");
        loaded.add("app.js", "ui/static/app.js", "text/javascript; charset=utf-8");
        loaded.add("htmx.min.js", HTMX, "text/javascript; charset=utf-8");
        loaded.add("chart.umd.min.js", CHART_JS, "text/javascript; charset=utf-8");
        loaded.add("favicon.svg", "ui/static/favicon.svg", "image/svg+xml");
        return loaded;
    }

    private void add(String name, String resource, String contentType) {
        byte[] bytes = read(resource);
        assets.put(name, new Asset(name, bytes, contentType, hash(bytes)));
    }

    Optional<Asset> find(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** The link to a file by name; fails at once for a name that is not served. */
    String path(String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            throw new IllegalArgumentException("no static asset " + name + " (expected one of " + assets.keySet() + ")");
        }
        return asset.versionedPath();
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing UI resource on the classpath: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read UI resource " + resource, e);
        }
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
