package dev.switchboard.stats;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;

/** HdrHistogram's compressed encoding, as the store keeps histograms. */
final class HistogramCodec {
    private HistogramCodec() {
    }

    static byte[] encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer, Deflater.BEST_SPEED);
        return Arrays.copyOf(buffer.array(), length);
    }

    /** The histogram of {@code bytes}; an empty one when they are not a histogram (a damaged row loses its minute, nothing else). */
    static Histogram decode(byte[] bytes) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (DataFormatException | RuntimeException e) {
            return EndpointStats.newHistogram();
        }
    }
}
