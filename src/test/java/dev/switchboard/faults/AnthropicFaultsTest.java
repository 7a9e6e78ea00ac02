package dev.switchboard.faults;

/** The fault matrix: Anthropic Messages upstream, Chat Completions client. */
class AnthropicFaultsTest extends FaultMatrix {
    @Override
    Wire wire() {
        return SseWire.ANTHROPIC;
    }

    @Override
    ClientApi api() {
        return ClientApi.CHAT;
    }
}
