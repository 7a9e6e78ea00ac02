package dev.switchboard.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for building bodies and SSE batches on the hot path: unsynchronized
 * (unlike ByteArrayOutputStream), with bulk appends for ASCII and JSON string literals.
 * One owner at a time.
 */
public final class ByteSink extends OutputStream {
    /** Null for a sink that only measures. */
    private byte[] bytes;
    private int size;

    public ByteSink(int capacity) {
        this.bytes = new byte[Math.max(16, capacity)];
    }

    private ByteSink() {
    }

    /**
     * A sink that keeps nothing and only counts: writing a large body into it first gives the exact
     * size for a second, real sink, whose array is then handed over by {@link #toExactByteArray}
     * without a copy (a 32 MiB body: one allocation and one copy instead of two of each).
     */
    public static ByteSink measuring() {
        return new ByteSink();
    }

    public ByteSink append(byte b) {
        if (bytes == null) {
            size++;
            return this;
        }
        ensure(1);
        bytes[size++] = b;
        return this;
    }

    public ByteSink append(byte[] source) {
        return append(source, 0, source.length);
    }

    public ByteSink append(byte[] source, int from, int to) {
        int n = to - from;
        if (bytes == null) {
            size += n;
            return this;
        }
        ensure(n);
        System.arraycopy(source, from, bytes, size, n);
        size += n;
        return this;
    }

    /** Appends a string known to be ASCII (field names, literals). */
    public ByteSink ascii(String text) {
        int n = text.length();
        if (bytes == null) {
            size += n;
            return this;
        }
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** Appends {@code value} as a quoted, escaped JSON string. */
    public ByteSink jsonString(String value) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
        if (bytes == null) {
            size += escaped.length + 2;
            return this;
        }
        ensure(escaped.length + 2);
        bytes[size++] = '"';
        System.arraycopy(escaped, 0, bytes, size, escaped.length);
        size += escaped.length;
        bytes[size++] = '"';
        return this;
    }

    /** Appends a JSON tree, serialized compactly. */
    public ByteSink json(JsonNode node) {
        try {
            Json.MAPPER.writeValue((OutputStream) this, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public void write(int b) {
        append((byte) b);
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        append(source, offset, offset + length);
    }

    @Override
    public void close() {
        // nothing to release; serializers close their target when done
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void reset() {
        size = 0;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** The bytes written; the sink's own array when they fill it exactly (the sink must not be used after). */
    public byte[] toExactByteArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }
}
