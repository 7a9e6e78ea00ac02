package dev.switchboard.server.ui;

import dev.switchboard.gateway.ClientSink;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ClientSink} that keeps a whole (non-streamed) chat completion for the UI to read instead
 * of sending it to a client: the status and JSON body the gateway answered with. Used on one event
 * loop, as every sink.
 */
final class CollectedAnswer implements ClientSink {
    /** What the gateway answered: its status and JSON (an error body when the status is not 200). */
    record Answer(int status, byte[] json) {
    }

    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private final ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    private boolean headSent;

    CompletableFuture<Answer> answer() {
        return answer;
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] json) {
        headSent = true;
        answer.complete(new Answer(status, json));
    }

    // the UI asks without "stream": a stream is not expected, but is kept whole if it comes
    @Override
    public void startStream(Map<String, String> headers) {
        headSent = true;
    }

    @Override
    public boolean headSent() {
        return headSent;
    }

    @Override
    public void write(byte[] bytes) {
        streamed.writeBytes(bytes);
    }

    @Override
    public void end(byte[] last) {
        streamed.writeBytes(last);
        answer.complete(new Answer(200, streamed.toByteArray()));
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void onDrain(Runnable action) {
        action.run();
    }

    @Override
    public void onClose(Runnable action) {
        // nobody to disconnect: the answer is read by the server itself
    }

    @Override
    public boolean closed() {
        return false;
    }
}
