package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.accounting.TokenCounter;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.MalformedJsonException;
import dev.switchboard.protocol.openai.ChatOutput;
import dev.switchboard.protocol.openai.OutputIdentity;
import dev.switchboard.protocol.StreamEncoder;
import dev.switchboard.protocol.sse.ChatChunks;
import dev.switchboard.protocol.sse.SseFormat;
import dev.switchboard.providers.ChunkStream;
import dev.switchboard.providers.UpstreamFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Relays one attempt's chunk stream to the client. Until the first content arrives, chunks
 * (the role chunk, empty deltas) are held back, so a failing endpoint can still be replaced
 * without the client noticing. Then every chunk goes out rewritten with Switchboard's id, model
 * and provider; the chunks of one network read leave in one write, as soon as that read is
 * processed. The stream always ends with a usage chunk carrying {@code cost} and {@code [DONE]},
 * or, if the provider broke off, with an error chunk ({@code finish_reason: "error"}) and
 * {@code [DONE]}; never with a silent clean end. Memory stays flat: only pre-content chunks, the
 * provider's usage and a bounded run of not-yet-counted text are kept.
 *
 * <p>Once content has begun, one timer per stream (not one per chunk) enforces the provider's
 * {@code timeouts.idle_ms} between chunks and the request's {@code routing.max_total_ms}: each
 * network read that carried chunks only notes the time, and the timer, when it fires, either ends
 * the stream or re-arms itself for the next moment one of the two could be due. While a slow
 * client holds the upstream paused, the provider is not idle: the idle clock starts again on resume.
 */
final class StreamRelay implements ChunkStream.Listener {
    /** Pre-content chunks held back at most; one more starts the answer (no fallback after it). */
    private static final int MAX_HELD = 32;
    /** Generated text is tokenized in runs of about this many characters, and only if usage is missing at the end. */
    private static final int COUNT_RUN = 4096;

    private final ChatCompletion completion;
    private final ChatCompletion.Attempt attempt;
    private final ChunkStream stream;
    private final Endpoint endpoint;
    private final OutputIdentity identity;
    private final String tokenizer;
    /** Output billed at most (Metering); text generated past it is not counted, as its count could not matter. */
    private final long countCeiling;
    /** The client API's encoder; null for Chat Completions, whose chunks are written on the fast path below. */
    private final StreamEncoder encoder;
    private final List<ChatOutput> held = new ArrayList<>(2);
    /** SSE bytes for the client from the current network read; written together at the batch's end. */
    private final ByteSink pending = new ByteSink(1024);
    private final StringBuilder uncountedText = new StringBuilder();
    private boolean started;
    private ChatOutput usageChunk;
    private JsonNode upstreamUsage;
    private String finishReason;
    private String upstreamId;
    private long countedTokens;
    /** When the last network read that carried chunks was processed. */
    private long lastChunkNanos;
    private boolean chunkInBatch;
    /** True while a slow client holds the upstream paused (back-pressure). */
    private boolean pausedByClient;
    private long watchdog = -1;

    StreamRelay(ChatCompletion completion, ChatCompletion.Attempt attempt, ChunkStream stream) {
        this.completion = completion;
        this.attempt = attempt;
        this.stream = stream;
        this.endpoint = attempt.endpoint;
        this.identity = completion.identity(endpoint);
        this.tokenizer = completion.tokenizer(endpoint);
        this.countCeiling = Metering.outputCeiling(endpoint, completion.request());
        this.encoder = completion.sink().encoder();
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
        if (upstreamId == null) {
            upstreamId = chunk.upstreamId();
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
        chunkInBatch = true;
        noteGeneratedText(chunk);
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        if (!started) {
            if (!chunk.hasContent() && chunk.finishReason() == null && held.size() < MAX_HELD) {
                held.add(chunk);
                return;
            }
            // content, the end, or more chunks before content than are held back (an upstream's own
            // events in a pass-through, a hosted tool's progress): from here on this attempt is the answer
            started = true;
            completion.contentStarted(attempt);
            lastChunkNanos = completion.time().nanoTime();
            armWatchdog(lastChunkNanos);
            for (ChatOutput h : held) {
                write(h);
            }
            held.clear();
        }
        write(chunk);
    }

    @Override
    public void onBatchEnd() {
        if (completion.isCurrent(attempt)) {
            if (chunkInBatch) {
                chunkInBatch = false;
                lastChunkNanos = completion.time().nanoTime();
            }
            flush();
        }
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
        stopWatchdog();
        Metering metering = metering();
        byte[] last = usageChunk != null
                ? usageChunk.rewrite(identity, metering.json())
                : StreamErrors.usageChunk(completion.generationId(), endpoint.model().value(),
                endpoint.provider().name(), completion.clock(), metering.json());
        endWith(last);
        completion.streamEnded(attempt, pending.toByteArray(), metering, upstreamId, finishReason, true);
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        if (completion.isCurrent(attempt)) {
            broken(failure);
        }
    }

    /** Before content: the attempt failed, fall back. After: end the stream with an error chunk. */
    private void broken(UpstreamFailure failure) {
        broken(failure, true);
    }

    /** As above; {@code providerFault} false when the client caused it (it held the stream paused), so the endpoint's health is spared. */
    private void broken(UpstreamFailure failure, boolean providerFault) {
        stopWatchdog();
        stream.cancel();
        if (!started) {
            completion.attemptFailed(attempt, failure);
            return;
        }
        Metering metering = metering();
        byte[] error = StreamErrors.chunk(completion.generationId(), endpoint.model().value(),
                endpoint.provider().name(), completion.clock(), failure.status(), failure.getMessage(),
                metering.json());
        endWith(error);
        completion.streamEnded(attempt, pending.toByteArray(), metering, upstreamId, "error", providerFault);
    }

    /**
     * Switchboard stops serving (the shutdown grace ran out): the stream, already started, ends now
     * with an error chunk carrying what was relayed and its cost, then {@code [DONE]}. Not the
     * provider's fault.
     */
    void interrupt(int status, String message) {
        stopWatchdog();
        stream.cancel();
        Metering metering = metering();
        endWith(StreamErrors.chunk(completion.generationId(), endpoint.model().value(), endpoint.provider().name(),
                completion.clock(), status, message, metering.json()));
        completion.streamEnded(attempt, pending.toByteArray(), metering, upstreamId, "error", false);
    }

    /** Arms the stream's one timer for the moment the idle limit or the total budget is next due. */
    private void armWatchdog(long now) {
        long due = completion.deadlineNanos();
        if (!pausedByClient) {
            due = Math.min(due, lastChunkNanos + idleNanos());
        }
        long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(due - now) + 1);
        watchdog = completion.time().setTimer(completion.vertx(), delayMs, this::watchdogFired);
    }

    private void watchdogFired() {
        watchdog = -1;
        if (!completion.isCurrent(attempt)) {
            return;
        }
        long now = completion.time().nanoTime();
        if (now - completion.deadlineNanos() >= 0) {
            broken(new UpstreamFailure.TimedOut(endpoint.id(), "the stream ran past the request's time budget ("
                    + completion.maxTotalMs() + " ms, routing.max_total_ms)"), !pausedByClient);
            return;
        }
        if (!pausedByClient && now - lastChunkNanos - idleNanos() >= 0) {
            broken(new UpstreamFailure.TimedOut(endpoint.id(), "no data from the provider for "
                    + endpoint.provider().timeouts().idleMs() + " ms in the stream (idle timeout)"));
            return;
        }
        armWatchdog(now);
    }

    /** Stops the stream's timer: it ended, or the request finished otherwise (the client left). */
    void stopWatchdog() {
        if (watchdog >= 0) {
            completion.time().cancelTimer(completion.vertx(), watchdog);
            watchdog = -1;
        }
    }

    private long idleNanos() {
        return TimeUnit.MILLISECONDS.toNanos(endpoint.provider().timeouts().idleMs());
    }

    /** The stream's last chunk (usage or error), then its end. */
    private void endWith(byte[] lastChunk) {
        StreamEncoder out = encoder != null ? encoder : ChatChunks.SSE;
        out.chunk(lastChunk, pending);
        out.done(pending);
    }

    private void write(ChatOutput chunk) {
        if (encoder != null) {
            encoder.chunk(chunk.rewrite(identity, null), pending);
            return;
        }
        if (chunk.hasLineBreaks()) {
            SseFormat.writeData(pending, chunk.rewrite(identity, null));
            return;
        }
        pending.append(SseFormat.DATA_PREFIX);
        chunk.rewrite(identity, null, pending);
        pending.append(SseFormat.EVENT_END);
    }

    /** Sends what the last network read produced in one write; a slow client pauses the upstream. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        ClientSink sink = completion.sink();
        sink.write(pending.toByteArray());
        pending.reset();
        if (sink.writeQueueFull()) {
            stream.pause();
            pausedByClient = true;
            sink.onDrain(this::resume);
        }
    }

    /** The client caught up: read on, and count the provider's idle time from now. */
    private void resume() {
        pausedByClient = false;
        lastChunkNanos = completion.time().nanoTime();
        if (watchdog >= 0) { // armed for the budget alone while paused: due for the idle limit again
            stopWatchdog();
            armWatchdog(lastChunkNanos);
        }
        stream.resume();
    }

    /** Keeps the generated text for a possible estimate, tokenizing it in bounded runs so memory stays flat. */
    private void noteGeneratedText(ChatOutput chunk) {
        if (countedTokens >= countCeiling) {
            return; // a 50 MB answer would otherwise be tokenized whole on the event loop (issue 12, item 16)
        }
        chunk.appendGeneratedText(uncountedText);
        if (uncountedText.length() >= COUNT_RUN) {
            countedTokens += TokenCounter.count(uncountedText.toString(), tokenizer);
            uncountedText.setLength(0);
        }
    }

    /** Usage and cost of what was relayed so far (the client left mid-stream). */
    Metering meteringSoFar() {
        return metering();
    }

    String upstreamId() {
        return upstreamId;
    }

    private Metering metering() {
        return Metering.of(upstreamUsage, endpoint, completion.request(), () -> completion.promptTokens(endpoint),
                () -> countedTokens + TokenCounter.count(uncountedText.toString(), tokenizer));
    }

    private static String errorMessage(ChatOutput chunk) {
        JsonNode error = chunk.error();
        if (error.isTextual()) {
            return error.asText();
        }
        return error.path("message").asText(error.toString());
    }
}
