package dev.switchboard.server.ui;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;

import java.util.List;

/** The playground page: the models to pick from (with their providers, for a provider order), and a prompt to start with. */
final class PlaygroundPage {
    record ModelOption(String id, String name, String providers, boolean selected) {
    }

    record View(List<ModelOption> models, String prompt, boolean admin) {
    }

    private PlaygroundPage() {
    }

    static View build(List<Model> models, String selected, String prompt, boolean admin) {
        List<ModelOption> options = models.stream().map(m -> new ModelOption(m.id().value(), m.name(),
                String.join(",", m.enabledEndpoints().stream().map(Endpoint::provider).map(p -> p.id().value()).toList()),
                m.id().value().equals(selected))).toList();
        return new View(options, prompt == null ? "" : prompt, admin);
    }
}
