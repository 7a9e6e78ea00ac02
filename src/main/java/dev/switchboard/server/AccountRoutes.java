package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.accounting.CreditBook;
import dev.switchboard.gateway.GatewayError;
import dev.switchboard.protocol.Json;
import dev.switchboard.store.KeyRecord;
import io.vertx.core.http.HttpServerRequest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The account routes' handlers (listed in {@link HttpEdge}'s route table): the calling key ({@code /key}, {@code /credits}), its generations and
 * activity, and the admin's key management ({@code /keys}). Store work runs on the accounts'
 * threads; answers are written back on the event loop.
 */
final class AccountRoutes {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    static final int DEFAULT_ACTIVITY_DAYS = 30;
    /** Stands in for the admin key on {@code GET /key}; the admin key has no key record of its own. */
    private static final KeyRecord ADMIN_KEY = new KeyRecord("admin", "admin", "admin key", KeyRecord.Role.ADMIN,
            null, null, null, null, null, false, 0, 0, 0);

    private final HttpEdge edge;
    private final Accounts accounts;

    AccountRoutes(HttpEdge edge, Accounts accounts) {
        this.edge = edge;
        this.accounts = accounts;
    }

    void credits(Route.Call call) {
        edge.when(call.request(), accounts.balance(call.caller()), balance ->
                HttpEdge.sendJson(call.request().response(), 200, AccountJson.credits(key(call.caller()), balance)));
    }

    void currentKey(Route.Call call) {
        HttpServerRequest request = call.request();
        Caller caller = call.caller();
        KeyRecord key = caller.admin() ? ADMIN_KEY : key(caller);
        edge.when(request, caller.admin() ? accounts.balance(ADMIN_KEY) : accounts.balance(caller), balance ->
                HttpEdge.sendJson(request.response(), 200, AccountJson.currentKey(key, balance, caller.admin())));
    }

    private record KeyWithBalance(KeyRecord key, CreditBook.Balance balance) {
    }

    private CompletableFuture<Optional<KeyWithBalance>> withBalance(CompletableFuture<Optional<KeyRecord>> found) {
        return found.thenCompose(key -> key.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<KeyWithBalance>empty())
                : accounts.balance(key.get()).thenApply(balance -> Optional.of(new KeyWithBalance(key.get(), balance))));
    }

    private KeyRecord key(Caller caller) {
        return caller.key() != null ? caller.key() : new KeyRecord(Caller.ANONYMOUS_HASH, "anonymous",
                "anonymous (auth.require_keys is false)", KeyRecord.Role.INFERENCE, null, null, null, null, null, false,
                0, 0, 0);
    }

    void generation(Route.Call call) {
        HttpServerRequest request = call.request();
        Caller caller = call.caller();
        String id = request.getParam("id");
        if (id == null || id.isBlank()) {
            throw GatewayError.badRequest("id", "the query parameter id is required: /generation?id=gen-...");
        }
        edge.when(request, accounts.generation(id.trim()), found -> {
            // another key's generation is reported as missing, not as forbidden: ids do not leak
            var visible = found.filter(g -> caller.admin() || g.keyHash().equals(caller.keyHash()));
            if (visible.isEmpty()) {
                throw GatewayError.notFound("Generation \"" + id + "\" not found");
            }
            HttpEdge.sendJson(request.response(), 200, AccountJson.generation(visible.get()));
        });
    }

    /** {@code ?days=N} (default 30) up to today, or {@code ?date=YYYY-MM-DD}; admin may filter by {@code api_key_hash}. */
    void activity(Route.Call call) {
        HttpServerRequest request = call.request();
        Caller caller = call.caller();
        long today = Math.floorDiv(accounts.clock().millis(), 86_400_000L);
        long from;
        long to;
        String date = request.getParam("date");
        if (date != null) {
            try {
                from = to = LocalDate.parse(date.trim()).toEpochDay();
            } catch (DateTimeParseException e) {
                throw GatewayError.badRequest("date", "date must be YYYY-MM-DD (got \"" + date + "\")");
            }
        } else {
            int days = DEFAULT_ACTIVITY_DAYS;
            String daysParam = request.getParam("days");
            if (daysParam != null) {
                try {
                    days = Integer.parseInt(daysParam.trim());
                } catch (NumberFormatException e) {
                    days = -1;
                }
                if (days < 1 || days > 3660) {
                    throw GatewayError.badRequest("days", "days must be a whole number from 1 to 3660 (got \"" + daysParam + "\")");
                }
            }
            from = today - days + 1;
            to = today;
        }
        String keyHash = caller.keyHash();
        if (caller.admin()) {
            String filter = request.getParam("api_key_hash");
            keyHash = filter == null || filter.isBlank() ? null : filter.trim();
        }
        edge.when(request, accounts.activity(from, to, keyHash), rows ->
                HttpEdge.sendJson(request.response(), 200, AccountJson.activity(rows)));
    }

    void listKeys(Route.Call call) {
        HttpServerRequest request = call.request();
        boolean includeDisabled = "true".equalsIgnoreCase(request.getParam("include_disabled"));
        int offset = 0;
        String offsetParam = request.getParam("offset");
        if (offsetParam != null) {
            try {
                offset = Integer.parseInt(offsetParam.trim());
            } catch (NumberFormatException e) {
                offset = -1;
            }
            if (offset < 0) {
                throw GatewayError.badRequest("offset", "offset must be a whole number of at least 0");
            }
        }
        int skip = offset;
        var listed = accounts.listKeys().thenCompose(keys -> {
            List<KeyRecord> shown = keys.stream().filter(k -> includeDisabled || !k.disabled()).skip(skip).toList();
            return accounts.balances(shown).thenApply(balances -> {
                List<ObjectNode> json = new ArrayList<>(shown.size());
                for (int i = 0; i < shown.size(); i++) {
                    json.add(AccountJson.key(shown.get(i), balances.get(i)));
                }
                return json;
            });
        });
        edge.when(request, listed, shown -> HttpEdge.sendJson(request.response(), 200, AccountJson.keys(shown)));
    }

    void createKey(Route.Call call) {
        HttpServerRequest request = call.request();
        Accounts.NewKey spec = KeyRequests.create(call.body(), accounts.clock().millis());
        var created = accounts.createKey(spec).thenCompose(key -> accounts.balance(key.key())
                .thenApply(balance -> AccountJson.created(AccountJson.key(key.key(), balance), key.secret())));
        edge.when(request, created, json -> HttpEdge.sendJson(request.response(), 201, json));
    }

    void getKey(Route.Call call) {
        HttpServerRequest request = call.request();
        String hash = call.param(0);
        requireHash(hash);
        edge.when(request, withBalance(accounts.key(hash)), found -> {
            var key = found.orElseThrow(() -> noSuchKey(hash));
            HttpEdge.sendJson(request.response(), 200, wrap(AccountJson.key(key.key(), key.balance())));
        });
    }

    void updateKey(Route.Call call) {
        HttpServerRequest request = call.request();
        String hash = call.param(0);
        requireHash(hash);
        var change = KeyRequests.update(call.body(), accounts.clock().millis());
        edge.when(request, withBalance(accounts.updateKey(hash, change)), updated -> {
            var key = updated.orElseThrow(() -> noSuchKey(hash));
            HttpEdge.sendJson(request.response(), 200, wrap(AccountJson.key(key.key(), key.balance())));
        });
    }

    void deleteKey(Route.Call call) {
        HttpServerRequest request = call.request();
        String hash = call.param(0);
        requireHash(hash);
        edge.when(request, accounts.deleteKey(hash), deleted -> {
            if (!deleted) {
                throw noSuchKey(hash);
            }
            HttpEdge.sendJson(request.response(), 200, Json.object().put("deleted", true));
        });
    }

    private static void requireHash(String hash) {
        if (!HASH.matcher(hash).matches()) {
            throw noSuchKey(hash);
        }
    }

    private static GatewayError noSuchKey(String hash) {
        return GatewayError.notFound("No key with hash \"" + (hash.length() > 80 ? hash.substring(0, 80) + "…" : hash) + "\"");
    }

    private static ObjectNode wrap(ObjectNode value) {
        ObjectNode json = Json.object();
        json.set("data", value);
        return json;
    }
}
