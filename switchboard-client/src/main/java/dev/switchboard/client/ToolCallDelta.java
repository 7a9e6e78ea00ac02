package dev.switchboard.client;

/**
 * A piece of a tool call in a stream: the first piece of call {@code index} has its {@code id} and
 * {@code name}, later ones only more {@code arguments} text (null where a piece lacks a member).
 */
public record ToolCallDelta(int index, String id, String name, String arguments) {
}
