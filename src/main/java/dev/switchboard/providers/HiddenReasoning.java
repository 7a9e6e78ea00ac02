package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Json;
import dev.switchboard.protocol.openai.ChatRequest;
import io.vertx.core.Future;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code reasoning.exclude: true} (or {@code include_reasoning: false}): the model still reasons, but
 * its reasoning ({@code reasoning}, {@code reasoning_details}, {@code reasoning_content}) is taken out
 * of the answer and of every chunk, whichever adapter produced them; a chunk left with nothing to say
 * is dropped. Reasoning tokens are still counted and billed, as OpenRouter does.
 */
public final class HiddenReasoning implements ProviderAdapter {
    private static final List<String> MEMBERS = List.of("reasoning", "reasoning_details", "reasoning_content");

    private final ProviderAdapter adapter;

    private HiddenReasoning(ProviderAdapter adapter) {
        this.adapter = adapter;
    }

    /** {@code adapter} itself unless {@code request} asks to leave the reasoning out. */
    public static ProviderAdapter around(ProviderAdapter adapter, ChatRequest request) {
        return request != null && request.reasoning().exclude() ? new HiddenReasoning(adapter) : adapter;
    }

    @Override
    public Future<byte[]> complete(UpstreamCall call) {
        return adapter.complete(call).map(HiddenReasoning::withoutReasoning);
    }

    @Override
    public Future<ChunkStream> stream(UpstreamCall call) {
        return adapter.stream(call).map(Filtered::new);
    }

    @Override
    public boolean servesEmbeddings() {
        return adapter.servesEmbeddings();
    }

    @Override
    public Future<byte[]> embed(UpstreamCall call, byte[] body) {
        return adapter.embed(call, body);
    }

    static byte[] withoutReasoning(byte[] completion) {
        JsonNode json = parsed(completion);
        if (json == null) {
            return completion;
        }
        boolean removed = false;
        for (JsonNode choice : json.path("choices")) {
            removed |= strip(choice.get("message"));
        }
        return removed ? Json.bytes(json) : completion;
    }

    /** The chunk without reasoning, or null when nothing else was in it. */
    static byte[] chunkWithoutReasoning(byte[] chunk) {
        JsonNode json = parsed(chunk);
        if (json == null) {
            return chunk;
        }
        boolean removed = false;
        for (JsonNode choice : json.path("choices")) {
            removed |= strip(choice.get("delta"));
        }
        if (!removed) {
            return chunk;
        }
        boolean empty = json.path("choices").size() == 1 && json.path("choices").path(0).path("delta").isEmpty()
                && json.path("choices").path(0).path("finish_reason").isNull() && json.path("usage").isMissingNode();
        return empty ? null : Json.bytes(json);
    }

    /** The JSON, or null when it is not JSON: passed on as it is, for the gateway to report as the upstream's fault. */
    private static JsonNode parsed(byte[] json) {
        try {
            return Json.parse(json);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    private static boolean strip(JsonNode part) {
        if (!(part instanceof ObjectNode object)) {
            return false;
        }
        boolean removed = false;
        for (String member : MEMBERS) {
            removed |= object.remove(member) != null;
        }
        return removed;
    }

    /** The upstream's stream with each chunk's reasoning taken out. */
    private static final class Filtered implements ChunkStream {
        private final ChunkStream stream;

        Filtered(ChunkStream stream) {
            this.stream = stream;
        }

        @Override
        public void start(Listener listener) {
            stream.start(new Listener() {
                @Override
                public void onChunk(byte[] chunk) {
                    byte[] kept = chunkWithoutReasoning(chunk);
                    if (kept != null) {
                        listener.onChunk(kept);
                    }
                }

                @Override
                public void onBatchEnd() {
                    listener.onBatchEnd();
                }

                @Override
                public void onEnd(boolean sawDone) {
                    listener.onEnd(sawDone);
                }

                @Override
                public void onFailure(UpstreamFailure failure) {
                    listener.onFailure(failure);
                }
            });
        }

        @Override
        public void pause() {
            stream.pause();
        }

        @Override
        public void resume() {
            stream.resume();
        }

        @Override
        public void cancel() {
            stream.cancel();
        }
    }
}
