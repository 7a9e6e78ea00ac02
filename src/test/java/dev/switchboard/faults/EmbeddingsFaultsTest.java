package dev.switchboard.faults;

/** The fault matrix: OpenAI embeddings upstream, embeddings client. */
class EmbeddingsFaultsTest extends FaultMatrix {
    @Override
    Wire wire() {
        return EmbeddingsWire.INSTANCE;
    }

    @Override
    ClientApi api() {
        return ClientApi.EMBEDDINGS;
    }
}
