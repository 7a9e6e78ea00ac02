package dev.switchboard.protocol.sse;

import dev.switchboard.protocol.ByteSink;

import java.nio.charset.StandardCharsets;

/** Writing side of SSE: the exact bytes Switchboard sends to clients. */
public final class SseFormat {
    public static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Sent while waiting for the first token so proxies and clients keep the connection open. */
    public static final byte[] PROCESSING = ": SWITCHBOARD PROCESSING\n\n".getBytes(StandardCharsets.US_ASCII);

    public static final byte[] DATA_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] EVENT_END = {'\n', '\n'};

    private SseFormat() {
    }

    /** One {@code data:} event; a payload with line breaks (pretty-printed JSON) becomes several data lines. */
    public static byte[] data(byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return multiLine(json);
            }
        }
        byte[] out = new byte[DATA_PREFIX.length + json.length + 2];
        System.arraycopy(DATA_PREFIX, 0, out, 0, DATA_PREFIX.length);
        System.arraycopy(json, 0, out, DATA_PREFIX.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    private static byte[] multiLine(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (String line : text.split("\r\n|\r|\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends one {@code data:} event for {@code json} to {@code out} (several data lines if it has line breaks). */
    public static void writeData(ByteSink out, byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                out.append(multiLine(json));
                return;
            }
        }
        out.append(DATA_PREFIX).append(json).append((byte) '\n').append((byte) '\n');
    }

    /** True when an OpenAI-style data payload is the {@code [DONE]} sentinel. */
    public static boolean isDone(byte[] data) {
        return data.length == 6 && data[0] == '[' && data[1] == 'D' && data[2] == 'O'
                && data[3] == 'N' && data[4] == 'E' && data[5] == ']';
    }
}
