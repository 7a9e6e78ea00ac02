package dev.switchboard.providers;

import dev.switchboard.catalog.Protocol;
import dev.switchboard.providers.anthropic.AnthropicAdapter;
import dev.switchboard.providers.bedrock.BedrockAdapter;
import dev.switchboard.providers.demo.DemoAdapter;
import dev.switchboard.providers.gemini.GeminiAdapter;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.providers.openai.OpenAiAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The adapter for each protocol, wired in one place. One instance per event loop (it owns that
 * loop's HTTP client). Adding a protocol means a package and a line here.
 */
public final class ProviderAdapters {
    /** Protocols this build speaks; providers of any other protocol are listed as disabled. */
    public static final Set<Protocol> IMPLEMENTED = Set.of(Protocol.OPENAI, Protocol.AZURE, Protocol.ANTHROPIC,
            Protocol.GEMINI, Protocol.BEDROCK, Protocol.DEMO);

    private final UpstreamHttp http;
    private final Map<Protocol, ProviderAdapter> adapters = new EnumMap<>(Protocol.class);

    public ProviderAdapters(Vertx vertx, Clock clock, ConnectionLeases leases) {
        this.http = new UpstreamHttp(vertx, leases);
        OpenAiAdapter openAi = new OpenAiAdapter(http, clock);
        adapters.put(Protocol.OPENAI, openAi);
        adapters.put(Protocol.AZURE, openAi);
        adapters.put(Protocol.ANTHROPIC, new AnthropicAdapter(http, clock));
        adapters.put(Protocol.GEMINI, new GeminiAdapter(http, clock));
        adapters.put(Protocol.BEDROCK, new BedrockAdapter(http, clock));
        adapters.put(Protocol.DEMO, new DemoAdapter(vertx, clock));
    }

    /** As above, with {@code replaced} adapters in place of the built-in ones (tests: an adapter that fails in a given way). */
    public ProviderAdapters(Vertx vertx, Clock clock, Map<Protocol, ProviderAdapter> replaced) {
        this(vertx, clock, new ConnectionLeases());
        adapters.putAll(replaced);
    }

    public ProviderAdapter forProtocol(Protocol protocol) {
        ProviderAdapter adapter = adapters.get(protocol);
        if (adapter == null) {
            throw new IllegalStateException("no adapter for protocol " + protocol.slug());
        }
        return adapter;
    }

    public Future<Void> close() {
        return http.close();
    }
}
