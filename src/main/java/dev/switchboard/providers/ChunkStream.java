package dev.switchboard.providers;

/**
 * A streaming answer whose upstream accepted the request: a flow of OpenAI
 * {@code chat.completion.chunk} JSON documents, whatever the provider's own wire format.
 * Nothing is delivered before {@link #start}; every callback runs on the caller's event loop.
 */
public interface ChunkStream {

    interface Listener {
        /** One chunk, as the JSON of an OpenAI chat.completion.chunk. */
        void onChunk(byte[] chunk);

        /**
         * The chunks since the last call arrived together (one network read): pass them on now.
         * Lets the gateway write what came together in one write instead of one per event.
         */
        void onBatchEnd();

        /**
         * The upstream finished: it sent its end marker ({@code sawDone}) or closed its response.
         * Chunks not yet passed on by {@link #onBatchEnd} are part of the end.
         */
        void onEnd(boolean sawDone);

        /** The stream broke or stalled; no further callbacks follow. */
        void onFailure(UpstreamFailure failure);
    }

    void start(Listener listener);

    /** Stop reading from the upstream (back-pressure from a slow client). */
    void pause();

    void resume();

    /** Abort the upstream request; no further callbacks follow. */
    void cancel();
}
