package dev.switchboard.providers.http;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** Byte arrays in and out of Vert.x buffers without the copy {@code Buffer.buffer(byte[])} makes. */
public final class VertxBuffers {
    private VertxBuffers() {
    }

    public static Buffer wrap(byte[] bytes) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
    }
}
