package dev.switchboard.routing;

import dev.switchboard.catalog.Model;
import dev.switchboard.protocol.openai.ProviderPreferences;
import dev.switchboard.protocol.openai.ProviderPreferences.Sort;
import dev.switchboard.protocol.openai.ProviderPreferences.SortBy;

/**
 * The sort a model variant stands for: {@code :nitro} is {@code provider.sort: "throughput"},
 * {@code :floor} is {@code provider.sort: "price"} (routing/model-variants/nitro.mdx, floor.mdx).
 * Applied per model, so each entry of a {@code models} list keeps its own suffix's meaning.
 */
final class VariantSort {

    private VariantSort() {
    }

    static ProviderPreferences preferences(Model model, ProviderPreferences prefs) {
        // an explicit provider.sort takes precedence over a variant's (routing/model-variants/exacto.mdx)
        if (prefs.sort() != null) {
            return prefs;
        }
        return switch (model.variant()) {
            case NITRO -> prefs.withSort(new Sort(SortBy.THROUGHPUT, true));
            case FLOOR -> prefs.withSort(new Sort(SortBy.PRICE, true));
            default -> prefs;
        };
    }
}
