package dev.switchboard.protocol.sse;

import dev.switchboard.protocol.ByteSink;
import dev.switchboard.protocol.StreamEncoder;

/** Chat Completions' own stream: each chunk a {@code data:} event, {@code [DONE]} at the end, a comment while waiting. */
public final class ChatChunks implements StreamEncoder {
    /** Stateless: one for every stream. */
    public static final ChatChunks SSE = new ChatChunks();

    private ChatChunks() {
    }

    @Override
    public void chunk(byte[] json, ByteSink out) {
        SseFormat.writeData(out, json);
    }

    @Override
    public void waiting(ByteSink out) {
        out.append(SseFormat.PROCESSING);
    }

    @Override
    public void done(ByteSink out) {
        out.append(SseFormat.DONE);
    }
}
