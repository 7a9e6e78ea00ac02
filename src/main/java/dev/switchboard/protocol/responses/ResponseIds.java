package dev.switchboard.protocol.responses;

import java.util.concurrent.ThreadLocalRandom;

/** Ids for items Switchboard makes ({@code msg_…}, {@code fc_…}, {@code rs_…}): random, so nodes need no shared counter. */
final class ResponseIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ResponseIds() {
    }

    static String next(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(prefix.length() + 33).append(prefix).append('_');
        appendHex(id, random.nextLong());
        appendHex(id, random.nextLong());
        return id.toString();
    }

    private static void appendHex(StringBuilder out, long value) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (value >>> shift) & 0xf]);
        }
    }
}
