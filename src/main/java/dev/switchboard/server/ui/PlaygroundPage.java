package dev.switchboard.server.ui;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.store.KeyRecord;

import java.util.List;

/**
 * The playground page: the models to pick from (with their providers, for a provider order, and
 * whether they take images), a prompt to start with, and for the admin's session the inference keys
 * it may bill (by hash and name, never a secret; {@code default} preselected when it exists).
 */
final class PlaygroundPage {
    /** The key an admin's session bills unless another is picked: the first key a new store gets. */
    static final String DEFAULT_KEY_NAME = "default";

    record ModelOption(String id, String name, String providers, boolean images, boolean selected) {
    }

    record KeyOption(String hash, String label, boolean selected) {
    }

    record View(List<ModelOption> models, String prompt, boolean admin, List<KeyOption> keys) {
    }

    private PlaygroundPage() {
    }

    static View build(List<Model> models, String selected, String prompt, boolean admin, List<KeyRecord> keys,
                      long nowMillis) {
        List<ModelOption> options = models.stream().map(m -> new ModelOption(m.id().value(), m.name(),
                String.join(",", m.enabledEndpoints().stream().map(Endpoint::provider).map(p -> p.id().value()).toList()),
                m.inputModalities().contains("image"), m.id().value().equals(selected))).toList();
        return new View(options, prompt == null ? "" : prompt, admin, keyOptions(keys, nowMillis));
    }

    /** Keys that can be billed now (not disabled, not expired); {@code default} first chosen, else the first. */
    static List<KeyOption> keyOptions(List<KeyRecord> keys, long nowMillis) {
        List<KeyRecord> usable = keys.stream().filter(k -> !k.disabled() && !k.expired(nowMillis)).toList();
        KeyRecord chosen = usable.stream().filter(k -> k.name().equals(DEFAULT_KEY_NAME)).findFirst()
                .orElse(usable.isEmpty() ? null : usable.getFirst());
        return usable.stream().map(k -> new KeyOption(k.hash(), k.name() + " (" + k.label() + ")", k == chosen)).toList();
    }
}
