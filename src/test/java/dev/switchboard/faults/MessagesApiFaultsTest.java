package dev.switchboard.faults;

/** The fault matrix: OpenAI Chat Completions upstream behind the inbound Messages API. */
class MessagesApiFaultsTest extends FaultMatrix {
    @Override
    Wire wire() {
        return SseWire.OPENAI;
    }

    @Override
    ClientApi api() {
        return ClientApi.MESSAGES;
    }
}
