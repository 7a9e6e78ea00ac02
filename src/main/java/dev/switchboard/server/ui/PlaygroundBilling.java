package dev.switchboard.server.ui;

import dev.switchboard.accounting.AccessDenied;
import dev.switchboard.accounting.Accounts;
import dev.switchboard.accounting.Caller;
import dev.switchboard.gateway.GatewayError;

import java.util.concurrent.CompletableFuture;

/**
 * Who the playground's chat is billed to. An inference key's session: that key. The admin's session
 * (the admin key cannot call models): the inference key picked on the page, sent by its hash in
 * {@code ?key=}, so the server uses the key without the browser or the admin ever holding its secret.
 * An open gateway's visitor: the anonymous account.
 */
final class PlaygroundBilling {
    /** The query parameter naming the key an admin's session bills. */
    static final String KEY_PARAM = "key";

    private PlaygroundBilling() {
    }

    static CompletableFuture<Caller> caller(Accounts accounts, Sessions.Session session, String keyHash) {
        if (session.role() == Sessions.Role.ADMIN) {
            // the admin key is checked again first: it may have been changed since the login
            return accounts.admin(session.secret()).thenCompose(ok -> billedKey(accounts, keyHash));
        }
        if (keyHash != null) {
            return CompletableFuture.failedFuture(AccessDenied.forbidden(
                    "only the admin's session picks the key to bill; this session is billed to its own key"));
        }
        if (session.loggedIn()) {
            return accounts.inference(session.secret());
        }
        if (accounts.requireKeys()) {
            return CompletableFuture.failedFuture(new GatewayError(401, "authentication_error",
                    "log in to use the playground", null, null, null));
        }
        return CompletableFuture.completedFuture(Caller.ANONYMOUS);
    }

    private static CompletableFuture<Caller> billedKey(Accounts accounts, String keyHash) {
        if (keyHash == null || keyHash.isBlank()) {
            return CompletableFuture.failedFuture(GatewayError.badRequest(KEY_PARAM,
                    "key: the admin key cannot call models; choose the inference key to bill on the playground page"));
        }
        return accounts.inferenceKey(keyHash.strip()).thenApply(found -> found.orElseThrow(() ->
                GatewayError.badRequest(KEY_PARAM, "key: no inference key has this hash")));
    }
}
