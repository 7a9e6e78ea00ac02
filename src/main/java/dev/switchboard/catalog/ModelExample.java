package dev.switchboard.catalog;

import java.util.Objects;

/**
 * An example prompt shown on a model's page ({@code examples:} in the model's configuration), with
 * the answer to show under it when one is configured ({@code output} null: none).
 */
public record ModelExample(String prompt, String output) {
    public ModelExample {
        Objects.requireNonNull(prompt, "prompt");
    }
}
