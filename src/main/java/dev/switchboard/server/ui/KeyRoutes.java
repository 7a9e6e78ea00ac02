package dev.switchboard.server.ui;

import dev.switchboard.accounting.Accounts;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.server.KeyRequests;
import dev.switchboard.store.KeyRecord;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The admin's keys page: list, create (the secret shown once), disable, enable, change limits.
 * Forms are turned into the API's JSON bodies and checked by {@link KeyRequests}, like the API's.
 */
final class KeyRoutes {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Pages pages;
    private final Accounts accounts;

    KeyRoutes(Pages pages) {
        this.pages = pages;
        this.accounts = pages.accounts();
    }

    /** {@code GET /keys}; right after a key was created, with its secret, this once. */
    void list(HttpServerRequest request) {
        Sessions.Session session = pages.pageSession(request);
        pages.viewer(request, session, true, caller -> show(request, session, 200,
                pages.ui().sessions().takeFlash(session).orElse(null), null));
    }

    /**
     * {@code POST /keys}: a new key, then a redirect to the keys page, which shows its secret once
     * (a reload neither shows it again nor creates another key).
     */
    void create(HttpServerRequest request) {
        pages.form(request, (session, form) -> pages.viewer(request, session, true, caller -> {
            Accounts.NewKey spec;
            try {
                spec = KeyRequests.create(Forms.createKeyJson(form), accounts.clock().millis());
            } catch (GatewayError e) {
                show(request, session, e.status(), null, e.getMessage());
                return;
            }
            var flashed = accounts.createKey(spec).thenCompose(created -> pages.ui().sessions()
                    .flash(session, new KeysPage.Created(created.key().name(), created.secret())));
            pages.await(request, flashed, done -> Responses.redirect(request, "/keys"));
        }));
    }

    /** {@code POST /keys/{hash}} with {@code action=disable|enable|update}; htmx gets the key's new row, a plain form a redirect. */
    void change(HttpServerRequest request, String hash) {
        pages.form(request, (session, form) -> pages.viewer(request, session, true, caller -> {
            if (!HASH.matcher(hash).matches()) {
                pages.errorPage(request, session, 404, "No such key", "There is no key with that hash.");
                return;
            }
            byte[] json = switch (form.getOrDefault("action", "")) {
                case "disable" -> Forms.disabledJson(true);
                case "enable" -> Forms.disabledJson(false);
                case "update" -> Forms.updateKeyJson(form);
                default -> null;
            };
            if (json == null) {
                pages.errorPage(request, session, 400, "Unknown action", "action must be disable, enable or update.");
                return;
            }
            UnaryOperator<KeyRecord> change;
            try {
                change = KeyRequests.update(json, accounts.clock().millis());
            } catch (GatewayError e) {
                show(request, session, e.status(), null, e.getMessage());
                return;
            }
            var rowOf = accounts.updateKey(hash, change).thenCompose(updated -> updated.isEmpty()
                    ? CompletableFuture.completedFuture(Optional.<KeysPage.KeyRow>empty())
                    : accounts.balance(updated.get()).thenApply(balance -> Optional.of(KeysPage.row(updated.get(), balance))));
            pages.await(request, rowOf, updated -> {
                if (updated.isEmpty()) {
                    pages.errorPage(request, session, 404, "No such key", "There is no key with that hash.");
                } else if (request.getHeader("hx-request") != null) {
                    pages.fragment(request, "key_row.jte", Map.of("row", updated.get(), "csrf", session.csrfToken()));
                } else {
                    Responses.redirect(request, "/keys");
                }
            });
        }));
    }

    private void show(HttpServerRequest request, Sessions.Session session, int status, KeysPage.Created created,
                      String error) {
        var listed = accounts.listKeys().thenCompose(keys -> {
            List<KeyRecord> sorted = keys.stream()
                    .sorted(Comparator.comparing(KeyRecord::disabled)
                            .thenComparing(KeyRecord::createdAt, Comparator.reverseOrder()))
                    .toList();
            return accounts.balances(sorted).thenApply(balances -> {
                List<KeysPage.KeyRow> rows = new ArrayList<>(sorted.size());
                for (int i = 0; i < sorted.size(); i++) {
                    rows.add(KeysPage.row(sorted.get(i), balances.get(i)));
                }
                return rows;
            });
        });
        pages.await(request, listed, rows -> {
            pages.page(request, status, "keys.jte", pages.frame(session, "Keys", "keys", false),
                    Map.of("view", new KeysPage.View(rows, created, error)));
        });
    }
}
