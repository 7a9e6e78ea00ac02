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
    private byte[] bytes;
    private int size;

    public ByteSink(int capacity) {
        this.bytes = new byte[Math.max(16, capacity)];
    }

    public ByteSink append(byte b) {
        ensure(1);
        bytes[size++] = b;
        return this;
    }

    public ByteSink append(byte[] source) {
        return append(source, 0, source.length);
    }

    public ByteSink append(byte[] source, int from, int to) {
        int n = to - from;
        ensure(n);
        System.arraycopy(source, from, bytes, size, n);
        size += n;
        return this;
    }

    /** Appends a string known to be ASCII (field names, literals). */
    public ByteSink ascii(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** Appends {@code value} as a quoted, escaped JSON string. */
    public ByteSink jsonString(String value) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
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
