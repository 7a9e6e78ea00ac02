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
 * snapshot of their model: the request goes upstream as {@code <upstream_model>-<date>} (unchanged when
 * the upstream name already ends with the date) and the answer names the dated id as the model that
 * served. Azure deployments and Bedrock model ids carry their own version, so those endpoints are
 * disabled for a snapshot with the reason.
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
        List<Endpoint> endpoints = model.endpoints().stream().map(e -> pinned(e, id, date)).toList();
        return model.derived(id, model.name() + " (" + date + ")", model.contextLength(), model.pricing(), endpoints,
                ModelVariant.BASE);
    }

    private static Endpoint pinned(Endpoint e, ModelId snapshot, String date) {
        String upstream = e.upstreamModel();
        Protocol protocol = e.provider().protocol();
        if ((protocol == Protocol.AZURE || protocol == Protocol.BEDROCK) && e.enabled()) {
            return e.servingAs(snapshot, upstream).disabled(
                    "a " + protocol.slug() + " model name carries its own version; it cannot pin snapshot " + date);
        }
        return e.servingAs(snapshot, upstream.endsWith(date) ? upstream : upstream + "-" + date);
    }
}
