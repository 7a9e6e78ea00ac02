package dev.switchboard.faults;

/** The fault matrix: Bedrock Converse and ConverseStream upstream, Chat Completions client. */
class BedrockFaultsTest extends FaultMatrix {
    @Override
    Wire wire() {
        return BedrockWire.INSTANCE;
    }

    @Override
    ClientApi api() {
        return ClientApi.CHAT;
    }
}
