package dev.switchboard.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dated aliases ({@code openai/gpt-4.1-2025-04-14}, {@code claude-sonnet-4-20250514}) name a pinned
 * snapshot of their model, and the answer names the dated id as the model that served. When an
 * endpoint's upstream name already ends with the date, the model as declared is that snapshot and
 * every endpoint keeps its name. Otherwise a provider's own name gets the date appended
 * ({@code gpt-4.1} → {@code gpt-4.1-2025-04-14}); endpoints whose name cannot be pinned that way (Azure
 * deployments and Bedrock ids carry their own version, aggregators' {@code author/slug} ids have no
 * dated form Switchboard can know) are disabled for the snapshot with the reason.
 */
final class Snapshots {
    /** OpenAI dates its snapshots YYYY-MM-DD, Anthropic YYYYMMDD. */
    private static final Pattern DATED = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

    private Snapshots() {
    }

    /** The model's dated aliases, lower case, each mapped to the snapshot model it names. */
    static Map<String, Model> of(Model model) {
        Map<String, List<String>> aliasesByDate = new LinkedHashMap<>();
        for (String alias : model.aliases()) {
            Matcher dated = DATED.matcher(alias);
            if (dated.find()) {
                aliasesByDate.computeIfAbsent(dated.group(1), d -> new ArrayList<>()).add(alias.toLowerCase(Locale.ROOT));
            }
        }
        Map<String, Model> snapshots = new LinkedHashMap<>();
        aliasesByDate.forEach((date, aliases) -> {
            Model snapshot = snapshot(model, date, snapshotId(model, aliases));
            aliases.forEach(alias -> snapshots.put(alias, snapshot));
        });
        return snapshots;
    }

    /** The id echoed back: the first dated alias with an author, else the model's author before the first one. */
    private static ModelId snapshotId(Model model, List<String> aliases) {
        return aliases.stream().filter(a -> a.contains("/")).findFirst().map(ModelId::new)
                .orElseGet(() -> new ModelId(model.id().author() + "/" + aliases.getFirst()));
    }

    private static Model snapshot(Model model, String date, ModelId id) {
        boolean declaredIsSnapshot = model.endpoints().stream().anyMatch(e -> e.upstreamModel().endsWith(date));
        List<Endpoint> endpoints = model.endpoints().stream()
                .map(e -> declaredIsSnapshot ? e.servingAs(id, e.upstreamModel()) : pinned(e, id, date)).toList();
        return model.derived(id, model.name() + " (" + date + ")", model.contextLength(), model.pricing(), endpoints,
                ModelVariant.BASE);
    }

    private static Endpoint pinned(Endpoint e, ModelId snapshot, String date) {
        String upstream = e.upstreamModel();
        Endpoint renamed = e.servingAs(snapshot, upstream + "-" + date);
        if (!e.enabled()) {
            return renamed;
        }
        Protocol protocol = e.provider().protocol();
        if (protocol == Protocol.AZURE || protocol == Protocol.BEDROCK) {
            String name = protocol == Protocol.AZURE ? "an Azure deployment name" : "a Bedrock model id";
            return e.servingAs(snapshot, upstream).disabled(
                    name + " carries its own version; it cannot pin snapshot " + date);
        }
        if (upstream.contains("/")) {
            return e.servingAs(snapshot, upstream).disabled(
                    "the aggregator id " + upstream + " has no known dated form; it cannot pin snapshot " + date);
        }
        return renamed;
    }
}
