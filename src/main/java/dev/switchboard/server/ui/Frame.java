package dev.switchboard.server.ui;

/**
 * What the layout around every page needs: its title and menu entry, who is logged in, the
 * session's CSRF token for forms and htmx, and the links to the static files.
 */
record Frame(String title, String nav, Sessions.Session session, boolean requireKeys, boolean charts,
             StaticAssets assets) {

    String asset(String name) {
        return assets.path(name);
    }

    String csrfToken() {
        return session == null ? "" : session.csrfToken();
    }

    boolean loggedIn() {
        return session != null && session.loggedIn();
    }

    boolean admin() {
        return session != null && session.role() == Sessions.Role.ADMIN;
    }

    /** Who the pages speak for, as the header shows it. */
    String who() {
        if (session == null || !session.loggedIn()) {
            return requireKeys ? "not logged in" : "open gateway (no key)";
        }
        return session.role() == Sessions.Role.ADMIN ? "admin" : "key " + session.label();
    }

    /** The htmx request headers every page sends: the CSRF token (JSON for {@code hx-headers}). */
    String htmxHeaders() {
        return "{\"X-CSRF-Token\": \"" + csrfToken() + "\"}";
    }

    boolean active(String entry) {
        return entry.equals(nav);
    }
}
