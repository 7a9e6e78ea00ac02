package dev.switchboard.catalog;

import java.util.Optional;

/** What a requested model id names: a model, nothing, or a variant the catalog cannot serve (and why). */
public sealed interface ModelLookup {

    /** The model, when there is one to route to. */
    default Optional<Model> found() {
        return this instanceof Found found ? Optional.of(found.model()) : Optional.empty();
    }

    record Found(Model model) implements ModelLookup {
    }

    record Unknown(String requested) implements ModelLookup {
    }

    /** {@code requested} names a model, but with a variant it has no endpoint for; {@code why} says so. */
    record VariantNotServed(String requested, String why) implements ModelLookup {
        public String message() {
            return "Model variant " + requested + " cannot be served: " + why;
        }
    }
}
