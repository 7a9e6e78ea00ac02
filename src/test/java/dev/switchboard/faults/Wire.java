package dev.switchboard.faults;

import dev.switchboard.testing.FakeUpstream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One upstream protocol's wire, built from its recorded fixtures: the answer whole and as a
 * stream of frames, and the pieces a faulty provider sends instead (a malformed frame, an error
 * frame, extra content). Edits apply to the fixture's text before framing, so a Bedrock frame
 * with an edited payload still has valid checksums.
 */
interface Wire {
    /** {@code "(prompt_tokens|...)": 19}: every token count a fixture of any protocol reports. */
    Pattern TOKEN_COUNTS = Pattern.compile("\"(prompt_tokens|completion_tokens|total_tokens|input_tokens|output_tokens"
            + "|promptTokenCount|candidatesTokenCount|totalTokenCount|inputTokens|outputTokens|totalTokens)\"\\s*:\\s*\\d+");
    /** Absurd usage from issue 12: 9×10¹⁸ tokens, still a valid JSON integer and a Java long. */
    String ABSURD_TOKENS = "9000000000000000000";

    String name();

    /** The provider entry of the gateway's YAML, pointed at {@code upstream}, with {@code extra} YAML lines. */
    String provider(String id, FakeUpstream upstream, String extra);

    /** The upstream model a request asked for (in its body or its path): the test case it belongs to. */
    String upstreamModel(FakeUpstream.Received request);

    boolean streams();

    /** The recorded non-streamed answer, with {@code edit} applied to its text. */
    byte[] answer(UnaryOperator<String> edit);

    /** The same answer with its text {@code size} characters long. */
    byte[] bigAnswer(int size);

    /** A provider error's status and body, as the protocol answers it without streaming. */
    int errorStatus();

    byte[] errorBody();

    /** The recorded stream's frames on the wire, each with {@code edit} applied to its text before framing. */
    List<byte[]> frames(UnaryOperator<String> edit);

    /** How many of {@link #frames}'s first frames it takes for the client to see the first token. */
    int framesToFirstToken();

    /** One more frame of text content. */
    byte[] contentFrame(String text);

    /** A frame whose JSON is broken. */
    byte[] malformedFrame();

    /** The provider reporting an error inside the stream. */
    byte[] errorFrame();

    String streamContentType();

    /** Where invalid UTF-8 is put: text of a token after the first in the stream, and text of the whole answer. */
    String laterText();

    String answerText();

    default List<byte[]> frames() {
        return frames(UnaryOperator.identity());
    }

    static String absurdUsage(String text) {
        return TOKEN_COUNTS.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                "\"" + m.group(1) + "\": " + ABSURD_TOKENS));
    }

    /** Marks where invalid UTF-8 goes; {@link #withInvalidUtf8} turns the mark into bytes no decoder accepts. */
    String BAD_BYTES_MARK = "\u0000BAD\u0000";

    static UnaryOperator<String> invalidUtf8In(String text) {
        return s -> s.replace(text, text.charAt(0) + BAD_BYTES_MARK + text.substring(1));
    }

    /** The UTF-8 of {@code text} with each mark replaced by {@code FF C3 28} (a bare 0xFF, a lead byte without its continuation). */
    static byte[] withInvalidUtf8(String text) {
        String[] parts = text.split(BAD_BYTES_MARK, -1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC3, (byte) 0x28});
            }
            out.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** A text of {@code size} ASCII characters, in words, for large answers. */
    static String bigText(int size) {
        StringBuilder text = new StringBuilder(size);
        while (text.length() < size) {
            text.append("lorem ipsum ");
        }
        text.setLength(size);
        return text.toString();
    }
}
