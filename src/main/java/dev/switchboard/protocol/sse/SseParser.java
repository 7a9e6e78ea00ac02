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

    /** Room for a field name and separator on top of the data limit, so the limit means the same for any chunking. */
    private static final int LINE_SLACK = 64;

    private final Listener listener;
    private final int maxEventBytes;

    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[512];
    private int dataLength;
    private boolean hasData;
    private String eventType;
    private boolean lastWasCr;
    /** Bytes of a leading UTF-8 byte order mark matched so far; -1 once the stream's start is past. */
    private int bomMatched;

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
        if (bomMatched >= 0) {
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

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Skips a leading BOM even when its three bytes arrive in different chunks. */
    private int skipByteOrderMark(byte[] bytes, int i, int end) {
        while (i < end && bomMatched < BOM.length) {
            if (bytes[i] != BOM[bomMatched]) {
                appendToLine(BOM, 0, bomMatched); // not a BOM after all: its bytes belong to the first line
                bomMatched = -1;
                return i;
            }
            bomMatched++;
            i++;
        }
        if (bomMatched == BOM.length) {
            bomMatched = -1;
        }
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
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
        System.arraycopy(bytes, from, line, lineLength, n);
        lineLength += n;
        checkPartialLine();
    }

    /**
     * A line still waiting for its end must not grow past what the complete line would be allowed,
     * so the limit is the same wherever the chunks are cut: a data line by the event's data size,
     * any other line by the limit plus room for its field name.
     */
    private void checkPartialLine() {
        if (lineLength <= maxEventBytes) {
            return;
        }
        boolean dataLine = lineLength > DATA.length + 1 && fieldIs(line, 0, DATA.length, DATA) && line[DATA.length] == ':';
        long size = dataLine
                ? dataLength + (hasData ? 1 : 0) + lineLength - DATA.length - 1 - (line[DATA.length + 1] == ' ' ? 1 : 0)
                : lineLength - LINE_SLACK;
        if (size > maxEventBytes) {
            throw new SseException("SSE event larger than " + maxEventBytes + " bytes");
        }
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
            // an empty type means the default ("message"), reported as null
            eventType = valueStart == to ? null : new String(bytes, valueStart, to - valueStart, StandardCharsets.UTF_8);
        }
        // "id" and "retry" do not matter to a proxy reading a single response; unknown fields are ignored
    }

    private void appendData(byte[] bytes, int from, int to) {
        int n = to - from;
        int needed = dataLength + (hasData ? 1 : 0) + n;
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
