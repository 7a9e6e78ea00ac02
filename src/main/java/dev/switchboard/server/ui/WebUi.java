package dev.switchboard.server.ui;

import dev.switchboard.cluster.SharedValues;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

import java.util.Map;

/**
 * What every event loop's {@link UiRoutes} shares: the sessions, the precompiled templates
 * (HTML-escaped output), the static files and the generated example answers. Made once per server, at start.
 */
public final class WebUi {
    private final SessionStore sessions;
    private final StaticAssets assets;
    private final TemplateEngine templates;
    private final ExampleOutputs exampleOutputs = new ExampleOutputs();

    private WebUi(SessionStore sessions, StaticAssets assets, TemplateEngine templates) {
        this.sessions = sessions;
        this.assets = assets;
        this.templates = templates;
    }

    /** The example answers generated on this node, shared by every event loop. */
    ExampleOutputs exampleOutputs() {
        return exampleOutputs;
    }

    /** Loads the static files and templates (blocking: call at start, not on an event loop). */
    public static WebUi load() {
        return load(null);
    }

    /**
     * As {@link #load()}, with the sessions in {@code shared} (cluster mode: every node serves every
     * session); null keeps them in this node's memory.
     */
    public static WebUi load(SharedValues shared) {
        // the templates were compiled by jte-maven-plugin into this package (see pom.xml)
        TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html, null,
                WebUi.class.getPackageName());
        Sessions local = new Sessions(Sessions.IDLE_TIMEOUT, Sessions.MAX_SESSIONS);
        return new WebUi(shared == null ? local : new SharedSessions(local, shared), StaticAssets.load(), engine);
    }

    SessionStore sessions() {
        return sessions;
    }

    StaticAssets assets() {
        return assets;
    }

    /** Renders a template with its named parameters. */
    String render(String template, Map<String, Object> parameters) {
        StringOutput output = new StringOutput(8192);
        templates.render(template, parameters, output);
        return output.toString();
    }
}
