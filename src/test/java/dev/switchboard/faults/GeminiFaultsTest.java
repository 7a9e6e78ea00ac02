package dev.switchboard.faults;

/** The fault matrix: Gemini upstream, Chat Completions client. */
class GeminiFaultsTest extends FaultMatrix {
    @Override
    Wire wire() {
        return SseWire.GEMINI;
    }

    @Override
    ClientApi api() {
        return ClientApi.CHAT;
    }
}
