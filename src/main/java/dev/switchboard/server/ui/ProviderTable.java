package dev.switchboard.server.ui;

import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Model;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.LiveStats;

import java.util.List;
import java.util.function.LongFunction;

/**
 * A model page's provider table, as ZenMux shows it: per provider its limits, every price (input,
 * output, cache read, cache write for 5 minutes and 1 hour, web search), first-token latency and
 * throughput as min / average / max with the median over the live window, uptime and data policy.
 */
final class ProviderTable {
    private ProviderTable() {
    }

    record HourCell(String level, String title) {
    }

    /** A window's figures, written for the page; dashes without data. */
    record Spread(String min, String avg, String max, String p50) {
        static final Spread NONE = new Spread("—", "—", "—", "—");
    }

    record Row(String name, String slug, String status, String context, String maxOutput, String input, String output,
               String cacheRead, String cacheWrite, String cacheWrite1h, String webSearch, Spread latency,
               Spread throughput, String uptime30m, String dataPolicy, List<HourCell> uptimeHours) {
    }

    static List<Row> rows(Model m, LiveStats stats) {
        return m.enabledEndpoints().stream().map(e -> row(e, stats)).toList();
    }

    private static Row row(Endpoint e, LiveStats stats) {
        LiveStats.View live = stats.view(e.id());
        Pricing p = e.pricing();
        List<HourCell> hours = stats.uptimeHourly(e.id()).stream().map(ProviderTable::hourCell).toList();
        return new Row(e.provider().name(), e.provider().id().value(), live.status(), Formats.tokens(e.contextLength()),
                e.maxOutputTokens() == null ? "—" : Formats.tokens(e.maxOutputTokens()), Formats.usd(p.prompt()),
                Formats.usd(p.completion()), Formats.usd(p.inputCacheRead()), Formats.usd(p.inputCacheWrite()),
                Formats.usd(p.inputCacheWrite1h()), Formats.usd(p.webSearch()),
                spread(live.latency30m(), Formats::seconds), spread(live.throughput30m(), Formats::tokensPerSecond),
                Formats.percent(live.uptime30m()), ModelPage.dataPolicy(e.provider().dataPolicy()), hours);
    }

    private static Spread spread(EndpointStats.Percentiles p, LongFunction<String> format) {
        if (p == null) {
            return Spread.NONE;
        }
        return new Spread(format.apply(p.min()), format.apply(Math.round(p.mean())), format.apply(p.max()),
                format.apply(p.p50()));
    }

    private static HourCell hourCell(LiveStats.HourUptime h) {
        String when = Formats.dateTime(h.hourStartMillis());
        if (h.uptime() == null) {
            return new HourCell("none", when + ": no requests");
        }
        String level = h.uptime() >= 99 ? "good" : h.uptime() >= 90 ? "fair" : "poor";
        return new HourCell(level, when + ": " + Formats.percent(h.uptime()) + " uptime");
    }
}
