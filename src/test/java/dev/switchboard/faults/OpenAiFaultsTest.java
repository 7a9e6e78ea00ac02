package dev.switchboard.faults;

/** The fault matrix: OpenAI Chat Completions upstream, Chat Completions client. */
class OpenAiFaultsTest extends FaultMatrix {
    @Override
    Wire wire() {
        return SseWire.OPENAI;
    }

    @Override
    ClientApi api() {
        return ClientApi.CHAT;
    }
}
