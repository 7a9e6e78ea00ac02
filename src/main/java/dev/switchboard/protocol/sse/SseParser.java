package dev.switchboard.protocol.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental Server-Sent Events reader (WHATWG HTML, "event stream interpretation"): bytes in,
 * events out, correct across any chunk boundary, with LF, CR or CRLF line ends, comments and
 * multi-line data. Works on bytes so a UTF-8 character split between chunks is never decoded
 * half-way. Not thread-safe: one parser per stream.
 */
public final class SseParser {

    /** Receives each dispatched event. {@code event} is null for the default ("message") type. */
    public interface Listener {
        void onEvent(String event, byte[] data);

        default void onComment(byte[] line, int from, int to) {
        }
    }

    private final Listener listener;
    private final int maxEventBytes;

    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[512];
    private int dataLength;
    private boolean hasData;
    private String eventType;
    private boolean lastWasCr;
    private boolean started;

    public SseParser(Listener listener, int maxEventBytes) {
        this.listener = listener;
        this.maxEventBytes = maxEventBytes;
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        if (!started && i < end) {
            i = skipByteOrderMark(bytes, i, end);
        }
        if (lastWasCr && i < end) {
            lastWasCr = false;
            if (bytes[i] == '\n') {
                i++; // the LF of a CRLF split across two chunks
            }
        }
        int lineStart = i;
        for (; i < end; i++) {
            byte b = bytes[i];
            if (b != '\n' && b != '\r') {
                continue;
            }
            completeLine(bytes, lineStart, i);
            if (b == '\r') {
                if (i + 1 < end) {
                    if (bytes[i + 1] == '\n') {
                        i++;
                    }
                } else {
                    lastWasCr = true;
                }
            }
            lineStart = i + 1;
        }
        if (lineStart < end) {
            appendToLine(bytes, lineStart, end);
        }
    }

    /** The stream ended: a last event without its blank line is still delivered (lenient). */
    public void end() {
        if (lineLength > 0) {
            processLine(line, 0, lineLength);
            lineLength = 0;
        }
        dispatch();
    }

    private int skipByteOrderMark(byte[] bytes, int i, int end) {
        // The BOM can only be recognised once its three bytes are seen; a split BOM is rare
        // enough that we accept treating it as part of the first line.
        if (lineLength == 0 && end - i >= 3
                && (bytes[i] & 0xFF) == 0xEF && (bytes[i + 1] & 0xFF) == 0xBB && (bytes[i + 2] & 0xFF) == 0xBF) {
            i += 3;
        }
        started = true;
        return i;
    }

    private void completeLine(byte[] bytes, int from, int to) {
        if (lineLength == 0) {
            processLine(bytes, from, to);
        } else {
            appendToLine(bytes, from, to);
            processLine(line, 0, lineLength);
            lineLength = 0;
        }
    }

    private void appendToLine(byte[] bytes, int from, int to) {
        int n = to - from;
        if (lineLength + n > maxEventBytes) {
            throw new SseException("SSE line longer than " + maxEventBytes + " bytes");
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
        System.arraycopy(bytes, from, line, lineLength, n);
        lineLength += n;
    }

    private void processLine(byte[] bytes, int from, int to) {
        if (from == to) {
            dispatch();
            return;
        }
        if (bytes[from] == ':') {
            listener.onComment(bytes, from, to);
            return;
        }
        int colon = indexOf(bytes, from, to, (byte) ':');
        int nameEnd = colon < 0 ? to : colon;
        int valueStart = colon < 0 ? to : colon + 1;
        if (valueStart < to && bytes[valueStart] == ' ') {
            valueStart++;
        }
        if (fieldIs(bytes, from, nameEnd, DATA)) {
            appendData(bytes, valueStart, to);
        } else if (fieldIs(bytes, from, nameEnd, EVENT)) {
            eventType = new String(bytes, valueStart, to - valueStart, StandardCharsets.UTF_8);
        }
        // "id" and "retry" do not matter to a proxy reading a single response; unknown fields are ignored
    }

    private void appendData(byte[] bytes, int from, int to) {
        int n = to - from;
        int needed = dataLength + n + 1;
        if (needed > maxEventBytes) {
            throw new SseException("SSE event larger than " + maxEventBytes + " bytes");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, needed));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(bytes, from, data, dataLength, n);
        dataLength += n;
        hasData = true;
    }

    private void dispatch() {
        if (!hasData) {
            eventType = null;
            return;
        }
        byte[] payload = Arrays.copyOf(data, dataLength);
        String type = eventType;
        dataLength = 0;
        hasData = false;
        eventType = null;
        listener.onEvent(type, payload);
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    private static boolean fieldIs(byte[] bytes, int from, int to, byte[] name) {
        return Arrays.equals(bytes, from, to, name, 0, name.length);
    }

    private static int indexOf(byte[] bytes, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
