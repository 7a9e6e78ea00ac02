package dev.switchboard.protocol.responses;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How the tools of a Responses request are named in its chat translation, and back. Chat
 * Completions knows only flat function names ({@code ^[a-zA-Z0-9_-]{1,64}$}), so a tool
 * {@code name} in namespace {@code ns} is called {@code ns__name}; a name that would be too long,
 * hold other characters or clash gets a short hash instead. Custom (free-text) tools are remembered
 * as such, so their calls go back to the client as {@code custom_tool_call} items.
 */
public final class ToolNames {
    private static final Pattern CHAT_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    static final String SEPARATOR = "__";

    /** A tool as the client named it: {@code namespace} is null outside a namespace. */
    public record Tool(String namespace, String name, boolean custom) {
        public Tool {
            requireNonNull(name, "name");
        }
    }

    private final Map<String, Tool> byChatName = new HashMap<>();
    private final Map<Tool, String> chatNames = new HashMap<>();

    ToolNames() {
    }

    public static ToolNames empty() {
        return new ToolNames();
    }

    /** The client's tool a chat function name stands for; an unknown name is a plain function of that name. */
    public Tool resolve(String chatName) {
        Tool tool = byChatName.get(chatName);
        return tool != null ? tool : new Tool(null, chatName, false);
    }

    /** The chat function name of a tool offered with {@link #add}, or the name it would get. */
    public String chatName(String namespace, String name) {
        for (boolean custom : new boolean[] {false, true}) {
            String known = chatNames.get(new Tool(namespace, name, custom));
            if (known != null) {
                return known;
            }
        }
        return flatten(namespace, name);
    }

    /** Registers an offered tool and returns its chat name. */
    String add(String namespace, String name, boolean custom) {
        Tool tool = new Tool(namespace, name, custom);
        String existing = chatNames.get(tool);
        if (existing != null) {
            return existing;
        }
        String chatName = flatten(namespace, name);
        if (byChatName.containsKey(chatName) && !byChatName.get(chatName).equals(tool)) {
            chatName = hashed(namespace, name);
        }
        byChatName.put(chatName, tool);
        chatNames.put(tool, chatName);
        return chatName;
    }

    int size() {
        return byChatName.size();
    }

    static String flatten(String namespace, String name) {
        String flat = namespace == null || namespace.isEmpty() ? name : namespace + SEPARATOR + name;
        return CHAT_NAME.matcher(flat).matches() ? flat : hashed(namespace, name);
    }

    /** A valid chat name for anything: the legal characters of the name, cut short, and 8 hex digits of its hash. */
    private static String hashed(String namespace, String name) {
        String whole = Objects.requireNonNullElse(namespace, "") + "\u0000" + name;
        String legal = (namespace == null || namespace.isEmpty() ? name : namespace + SEPARATOR + name)
                .replaceAll("[^a-zA-Z0-9_-]", "_");
        String prefix = legal.length() > 55 ? legal.substring(0, 55) : legal;
        return prefix + "_" + sha256Hex(whole).substring(0, 8);
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
