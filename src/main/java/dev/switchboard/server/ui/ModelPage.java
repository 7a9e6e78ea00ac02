package dev.switchboard.server.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.DataPolicy;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.protocol.Json;
import dev.switchboard.stats.LiveStats;
import dev.switchboard.store.ActivityRow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;

/** One model's page: its prices and limits, its providers with live stats ({@link ProviderTable}), its usage, how to call it. */
final class ModelPage {
    /** Days of the "tokens processed per day" chart. */
    static final int USAGE_DAYS = 30;

    record CodeSample(String id, String label, String code) {
    }

    record View(String id, String name, String created, String context, String input, String output,
                String cacheRead, String webSearch, String description, List<ProviderTable.Row> providers,
                List<String> parameters, String tokensChart, long tokensTotal, List<CodeSample> samples,
                List<ProtocolSamples.Protocol> protocols) {

        /** The playground with this model chosen and, unless null, {@code prompt} written. */
        String playgroundHref(String prompt) {
            String href = "/playground?model=" + URLEncoder.encode(id, StandardCharsets.UTF_8);
            return prompt == null ? href : href + "&prompt=" + URLEncoder.encode(prompt, StandardCharsets.UTF_8);
        }
    }

    private ModelPage() {
    }

    static View build(Model m, LiveStats stats, List<ActivityRow> activity, long today, String baseUrl) {
        Pricing p = m.pricing();
        List<ProviderTable.Row> providers = ProviderTable.rows(m, stats);
        long[] prompt = new long[USAGE_DAYS];
        long[] completion = new long[USAGE_DAYS];
        long from = today - USAGE_DAYS + 1;
        long total = 0;
        for (ActivityRow row : activity) {
            if (!row.model().equals(m.id().value()) || row.day() < from || row.day() > today) {
                continue;
            }
            int i = (int) (row.day() - from);
            prompt[i] += row.promptTokens();
            completion[i] += row.completionTokens();
            total += row.promptTokens() + row.completionTokens();
        }
        return new View(m.id().value(), m.name(), Formats.date(m.created()), Formats.tokens(m.contextLength()),
                Formats.usd(p.prompt()), Formats.usd(p.completion()), Formats.usd(p.inputCacheRead()),
                Formats.usd(p.webSearch()), m.description() == null ? "" : m.description(), providers,
                List.copyOf(new TreeSet<>(m.supportedParameters())), tokensChart(from, prompt, completion), total,
                samples(baseUrl, m.id().value()),
                ProtocolSamples.of(baseUrl, m.id().value()));
    }

    static String dataPolicy(DataPolicy policy) {
        String training = policy.training() == null ? "training: unknown"
                : policy.training() ? "may train on prompts" : "no training";
        String retention = policy.retentionDays() == null ? "retention: unknown"
                : policy.retentionDays() == 0 ? "zero retention" : "kept " + policy.retentionDays() + " days";
        return training + ", " + retention;
    }

    /** Chart.js data: one bar per day, prompt and completion tokens stacked. */
    private static String tokensChart(long fromDay, long[] prompt, long[] completion) {
        ObjectNode chart = Json.object();
        ArrayNode labels = chart.putArray("labels");
        for (int i = 0; i < prompt.length; i++) {
            labels.add(LocalDate.ofEpochDay(fromDay + i).toString());
        }
        ArrayNode datasets = chart.putArray("datasets");
        ObjectNode promptSet = datasets.addObject().put("label", "Prompt tokens");
        ArrayNode promptData = promptSet.putArray("data");
        ObjectNode completionSet = datasets.addObject().put("label", "Completion tokens");
        ArrayNode completionData = completionSet.putArray("data");
        for (int i = 0; i < prompt.length; i++) {
            promptData.add(prompt[i]);
            completionData.add(completion[i]);
        }
        return chart.toString();
    }

    private static List<CodeSample> samples(String baseUrl, String model) {
        String python = """
                from openai import OpenAI

                client = OpenAI(base_url="%1$s", api_key="<SWITCHBOARD_KEY>")

                completion = client.chat.completions.create(
                    model="%2$s",
                    messages=[{"role": "user", "content": "What is the meaning of life?"}],
                )
                print(completion.choices[0].message.content)
                """.formatted(baseUrl, model);
        String typescript = """
                import OpenAI from "openai";

                const client = new OpenAI({ baseURL: "%1$s", apiKey: "<SWITCHBOARD_KEY>" });

                const completion = await client.chat.completions.create({
                  model: "%2$s",
                  messages: [{ role: "user", content: "What is the meaning of life?" }],
                });
                console.log(completion.choices[0].message.content);
                """.formatted(baseUrl, model);
        String curl = """
                curl %1$s/chat/completions \\
                  -H "Authorization: Bearer $SWITCHBOARD_KEY" \\
                  -H "Content-Type: application/json" \\
                  -d '{
                    "model": "%2$s",
                    "messages": [{"role": "user", "content": "What is the meaning of life?"}]
                  }'
                """.formatted(baseUrl, model);
        String java = """
                import com.openai.client.OpenAIClient;
                import com.openai.client.okhttp.OpenAIOkHttpClient;
                import com.openai.models.chat.completions.ChatCompletion;
                import com.openai.models.chat.completions.ChatCompletionCreateParams;

                OpenAIClient client = OpenAIOkHttpClient.builder()
                        .baseUrl("%1$s")
                        .apiKey(System.getenv("SWITCHBOARD_KEY"))
                        .build();

                ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model("%2$s")
                        .addUserMessage("What is the meaning of life?")
                        .build());
                System.out.println(completion.choices().get(0).message().content().orElse(""));
                """.formatted(baseUrl, model);
        return List.of(new CodeSample("python", "Python", python), new CodeSample("typescript", "TypeScript", typescript),
                new CodeSample("curl", "curl", curl), new CodeSample("java", "Java", java));
    }
}
