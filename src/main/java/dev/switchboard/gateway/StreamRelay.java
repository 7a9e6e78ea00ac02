package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.protocol.openai.ChatOutput;
import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamFailure;

import java.util.ArrayList;
import java.util.List;

/**
 * Relays one attempt's chunk stream to the client. Until the first content arrives, chunks
 * (the role chunk, empty deltas) are held back, so a failing endpoint can still be replaced
 * without the client noticing. Then every chunk goes out rewritten with Switchboard's id, model
 * and provider, flushed one by one. The stream always ends with a usage chunk carrying
 * {@code cost} and {@code [DONE]}, or, if the provider broke off, with an error chunk
 * ({@code finish_reason: "error"}) and {@code [DONE]}; never with a silent clean end.
 * Memory stays flat: only pre-content chunks and the provider's usage chunk are kept.
 */
final class StreamRelay implements ChunkStream.Listener {
    /** Pre-content chunks kept at most; more empty chunks than this are dropped. */
    private static final int MAX_HELD = 32;

    private final ChatCompletion completion;
    private final ChatCompletion.Attempt attempt;
    private final ChunkStream stream;
    private final Endpoint endpoint;
    private final String tokenizer;
    private final List<ChatOutput> held = new ArrayList<>(2);
    private boolean started;
    private ChatOutput usageChunk;
    private JsonNode upstreamUsage;
    private String finishReason;
    private long generatedTokens;

    StreamRelay(ChatCompletion completion, ChatCompletion.Attempt attempt, ChunkStream stream) {
        this.completion = completion;
        this.attempt = attempt;
        this.stream = stream;
        this.endpoint = attempt.endpoint;
        this.tokenizer = completion.tokenizer(endpoint);
    }

    void start() {
        attempt.cancel.onCancel(stream::cancel);
        stream.start(this);
    }

    @Override
    public void onChunk(byte[] json) {
        if (!completion.isCurrent(attempt)) {
            return;
        }
        ChatOutput chunk;
        try {
            chunk = ChatOutput.chunk(json);
        } catch (MalformedJsonException e) {
            broken(new UpstreamFailure.InvalidResponse(endpoint.id(), "provider sent an invalid chunk: " + e.getMessage()));
            return;
        }
        if (chunk.error() != null) {
            broken(new UpstreamFailure.StreamBroken(endpoint.id(), "provider reported an error in the stream: "
                    + errorMessage(chunk), null));
            return;
        }
        if (chunk.usage() != null) {
            upstreamUsage = chunk.usage();
            if (chunk.choiceCount() == 0) {
                usageChunk = chunk;
            }
        }
        if (chunk.choiceCount() == 0) {
            return; // the usage chunk (sent at the end) or a choice-less chunk such as Azure's prompt filter results
        }
        String text = chunk.generatedText();
        if (!text.isEmpty()) {
            generatedTokens += TokenCounter.count(text, tokenizer);
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        if (!started) {
            if (!chunk.hasContent() && chunk.finishReason() == null) {
                if (held.size() < MAX_HELD) {
                    held.add(chunk);
                }
                return;
            }
            started = true;
            completion.contentStarted(attempt);
            for (ChatOutput h : held) {
                write(h);
            }
            held.clear();
        }
        write(chunk);
    }

    @Override
    public void onEnd(boolean sawDone) {
        if (!completion.isCurrent(attempt)) {
            return;
        }
        if (finishReason == null) {
            broken(new UpstreamFailure.StreamBroken(endpoint.id(),
                    "provider ended the stream without a finish_reason" + (sawDone ? "" : " or [DONE]"), null));
            return;
        }
        Metering metering = metering();
        byte[] last = usageChunk != null
                ? usageChunk.rewrite(completion.generationId(), endpoint.model().value(), endpoint.provider().name(),
                metering.json())
                : StreamErrors.usageChunk(completion.generationId(), endpoint.model().value(),
                endpoint.provider().name(), completion.clock(), metering.json());
        completion.sink().write(SseFormat.data(last));
        completion.sink().write(SseFormat.DONE);
        completion.streamEnded();
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        if (completion.isCurrent(attempt)) {
            broken(failure);
        }
    }

    /** Before content: the attempt failed, fall back. After: end the stream with an error chunk. */
    private void broken(UpstreamFailure failure) {
        if (!started) {
            stream.cancel();
            completion.attemptFailed(attempt, failure);
            return;
        }
        stream.cancel();
        byte[] error = StreamErrors.chunk(completion.generationId(), endpoint.model().value(),
                endpoint.provider().name(), completion.clock(), failure.status(), failure.getMessage(),
                metering().json());
        completion.sink().write(SseFormat.data(error));
        completion.sink().write(SseFormat.DONE);
        completion.streamEnded();
    }

    private void write(ChatOutput chunk) {
        ClientSink sink = completion.sink();
        sink.write(SseFormat.data(chunk.rewrite(completion.generationId(), endpoint.model().value(),
                endpoint.provider().name(), null)));
        if (sink.writeQueueFull()) {
            stream.pause();
            sink.onDrain(stream::resume);
        }
    }

    private Metering metering() {
        return Metering.of(upstreamUsage, endpoint, tokenizer, completion.request(), () -> generatedTokens);
    }

    private static String errorMessage(ChatOutput chunk) {
        var error = chunk.error();
        if (error.isTextual()) {
            return error.asText();
        }
        return error.path("message").asText(error.toString());
    }
}
