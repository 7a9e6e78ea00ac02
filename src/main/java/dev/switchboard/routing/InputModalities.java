package dev.switchboard.routing;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;

import java.util.Set;
import java.util.TreeSet;

/**
 * Routing by input modality: an image, file or audio part never goes to a model that declares its
 * input modalities without that one. A model that declares none (a user's own vLLM model) is not
 * filtered: nothing says what it accepts.
 */
final class InputModalities {

    private InputModalities() {
    }

    static Rejection rejection(Model model, Endpoint e, Set<String> requested) {
        Set<String> missing = new TreeSet<>();
        for (String modality : requested) {
            if (!model.accepts(modality)) {
                missing.add(modality);
            }
        }
        return missing.isEmpty() ? null : new Rejection.InputModalityUnsupported(e.id(), missing, model.inputModalities());
    }
}
