package dev.switchboard.faults;

import dev.switchboard.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The faults of issue 12, as a provider commits them on any wire. Streamed, a fault that can
 * come after the first token comes right after it (content was shown: no fallback may follow);
 * not streamed, it comes in the middle of the answer's body.
 */
enum Fault {
    HANG_BEFORE_HEADERS,
    /** Streamed: a malformed first frame, before any token (not streamed: a body that is not JSON). */
    BAD_JSON_BEFORE_THE_FIRST_TOKEN,
    /** Streamed: the provider's error as the stream's first event (not streamed: a 200 whose body is an error). */
    PROVIDER_ERROR_BEFORE_THE_FIRST_TOKEN,
    STALL_AFTER_HEADERS,
    STALL_MID_STREAM,
    RESET_MID_BODY,
    BAD_JSON,
    DRIP_ONE_BYTE_A_SECOND,
    /** Whole chunks, each inside the idle limit, past the request's time budget. */
    TRICKLE_PAST_THE_BUDGET,
    LARGE_ANSWER,
    INVALID_UTF8,
    ABSURD_USAGE,
    CLOSES_WITHOUT_FINAL_EVENT,
    PROVIDER_ERROR;

    /** A few MB: large, yet relayed well inside the suite's time budget. */
    static final int LARGE_BYTES = 3 * 1024 * 1024;
    static final long DRIP_GAP_MS = 1_000;

    /** What the client should end up with. */
    enum Outcome {
        /** The faulty provider's answer, whole. */
        SERVED,
        /** The fallback's answer (without a fallback: an error status). */
        FELL_BACK,
        /** A stream that had begun ends with an error event (Chat Completions: an error chunk, then [DONE]). */
        BROKE_OFF
    }

    /** Whether the provider committed a fault that counts against its health. */
    boolean providersFault() {
        return this != LARGE_ANSWER && this != ABSURD_USAGE;
    }

    Outcome expected(boolean stream) {
        return switch (this) {
            case LARGE_ANSWER, ABSURD_USAGE -> Outcome.SERVED;
            // nothing usable before the first token: the next endpoint is tried
            case HANG_BEFORE_HEADERS, STALL_AFTER_HEADERS, BAD_JSON_BEFORE_THE_FIRST_TOKEN,
                 PROVIDER_ERROR_BEFORE_THE_FIRST_TOKEN -> Outcome.FELL_BACK;
            // RFC 8259 §8.1: JSON between systems is UTF-8; an answer that is not is not JSON, a stream with it is broken
            case STALL_MID_STREAM, RESET_MID_BODY, BAD_JSON, DRIP_ONE_BYTE_A_SECOND, TRICKLE_PAST_THE_BUDGET, INVALID_UTF8,
                 CLOSES_WITHOUT_FINAL_EVENT, PROVIDER_ERROR -> stream ? Outcome.BROKE_OFF : Outcome.FELL_BACK;
        };
    }

    /**
     * What the client's error message names when a started stream breaks off: the limit that ended it,
     * or the provider's failure. A 1 byte/s drip completes no chunk within the idle limit, so that limit
     * ends it; chunks trickling inside the idle limit run into the budget.
     */
    String endedBy() {
        return switch (this) {
            case STALL_MID_STREAM, DRIP_ONE_BYTE_A_SECOND -> "idle timeout";
            case TRICKLE_PAST_THE_BUDGET -> "time budget";
            default -> "";
        };
    }

    /** How a provider speaking {@code wire} commits this fault. */
    FakeUpstream.Reply reply(Wire wire, boolean stream) {
        return stream ? streamed(wire) : answered(wire);
    }

    private FakeUpstream.Reply answered(Wire wire) {
        byte[] answer = wire.answer(s -> s);
        byte[] half = Arrays.copyOf(answer, answer.length / 2);
        return switch (this) {
            case HANG_BEFORE_HEADERS -> hang();
            case STALL_AFTER_HEADERS -> (request, upstream) -> head(request, "application/json").writeHead();
            case STALL_MID_STREAM -> (request, upstream) -> head(request, "application/json").write(Buffer.buffer(half));
            case RESET_MID_BODY -> (request, upstream) -> {
                head(request, "application/json").write(Buffer.buffer(half));
                dropConnection(request);
            };
            case BAD_JSON, BAD_JSON_BEFORE_THE_FIRST_TOKEN ->
                    json(200, "{\"id\":\"broken\",\"choices\":[{\"message\":{\"content\":\"Hel<html>".getBytes(StandardCharsets.UTF_8));
            case PROVIDER_ERROR_BEFORE_THE_FIRST_TOKEN -> json(200, wire.errorBody());
            case DRIP_ONE_BYTE_A_SECOND, TRICKLE_PAST_THE_BUDGET ->
                    (request, upstream) -> drip(head(request, "application/json"), answer, 0);
            case LARGE_ANSWER -> json(200, wire.bigAnswer(LARGE_BYTES));
            case INVALID_UTF8 -> json(200, wire.answer(Wire.invalidUtf8In(wire.answerText())));
            case ABSURD_USAGE -> json(200, wire.answer(Wire::absurdUsage));
            case CLOSES_WITHOUT_FINAL_EVENT -> json(200, half);
            case PROVIDER_ERROR -> json(wire.errorStatus(), wire.errorBody());
        };
    }

    private FakeUpstream.Reply streamed(Wire wire) {
        List<byte[]> frames = wire.frames();
        int first = wire.framesToFirstToken();
        List<byte[]> start = frames.subList(0, first);
        List<byte[]> rest = frames.subList(first, frames.size());
        String type = wire.streamContentType();
        return switch (this) {
            case HANG_BEFORE_HEADERS -> hang();
            case STALL_AFTER_HEADERS -> (request, upstream) -> head(request, type).writeHead();
            case STALL_MID_STREAM -> (request, upstream) -> head(request, type).write(join(start));
            case RESET_MID_BODY -> (request, upstream) -> {
                head(request, type).write(join(start));
                dropConnection(request);
            };
            case BAD_JSON -> stream(type, concat(start, List.of(wire.malformedFrame()), rest));
            case BAD_JSON_BEFORE_THE_FIRST_TOKEN -> stream(type, concat(List.of(wire.malformedFrame()), frames));
            case PROVIDER_ERROR_BEFORE_THE_FIRST_TOKEN -> stream(type, List.of(wire.errorFrame()));
            case DRIP_ONE_BYTE_A_SECOND -> (request, upstream) -> {
                HttpServerResponse response = head(request, type);
                response.write(join(start));
                drip(response, join(rest).getBytes(), 0);
            };
            case TRICKLE_PAST_THE_BUDGET -> (request, upstream) -> {
                HttpServerResponse response = head(request, type);
                response.write(join(start));
                trickle(response, wire.contentFrame(" tick"));
            };
            case LARGE_ANSWER -> {
                List<byte[]> large = new ArrayList<>();
                String piece = Wire.bigText(64 * 1024);
                for (int size = 0; size < LARGE_BYTES; size += piece.length()) {
                    large.add(wire.contentFrame(piece));
                }
                yield stream(type, concat(start, large, rest));
            }
            case INVALID_UTF8 -> stream(type, wire.frames(Wire.invalidUtf8In(wire.laterText())));
            case ABSURD_USAGE -> stream(type, wire.frames(Wire::absurdUsage));
            // one more token, then a clean end of the body: no finish, no usage, no [DONE]
            case CLOSES_WITHOUT_FINAL_EVENT -> stream(type, concat(start, List.of(wire.contentFrame(" more")), List.of()));
            case PROVIDER_ERROR -> stream(type, concat(start, List.of(wire.errorFrame()), List.of()));
        };
    }

    private static FakeUpstream.Reply hang() {
        return (request, upstream) -> {
        };
    }

    private static FakeUpstream.Reply json(int status, byte[] body) {
        return (request, upstream) -> request.response().setStatusCode(status)
                .putHeader("content-type", "application/json").end(Buffer.buffer(body));
    }

    private static FakeUpstream.Reply stream(String type, List<byte[]> frames) {
        return (request, upstream) -> {
            HttpServerResponse response = head(request, type);
            frames.forEach(frame -> response.write(Buffer.buffer(frame)));
            response.end();
        };
    }

    private static HttpServerResponse head(HttpServerRequest request, String type) {
        return request.response().setStatusCode(200).setChunked(true).putHeader("content-type", type);
    }

    /** Closes the connection with the response unfinished: the peer sees the body end before its terminating chunk. */
    private static void dropConnection(HttpServerRequest request) {
        Vertx.currentContext().owner().setTimer(50, id -> request.connection().close());
    }

    private static void drip(HttpServerResponse response, byte[] bytes, int at) {
        if (response.closed() || at >= bytes.length) {
            return;
        }
        response.write(Buffer.buffer(new byte[] {bytes[at]}));
        Vertx.currentContext().owner().setTimer(DRIP_GAP_MS, id -> drip(response, bytes, at + 1));
    }

    /** Writes {@code frame} every {@link #DRIP_GAP_MS} until the gateway closes the connection. */
    private static void trickle(HttpServerResponse response, byte[] frame) {
        Vertx vertx = Vertx.currentContext().owner();
        long timer = vertx.setPeriodic(DRIP_GAP_MS, id -> {
            if (!response.closed()) {
                response.write(Buffer.buffer(frame));
            }
        });
        response.closeHandler(v -> vertx.cancelTimer(timer));
    }

    private static Buffer join(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(out::writeBytes);
        return Buffer.buffer(out.toByteArray());
    }

    @SafeVarargs
    private static List<byte[]> concat(List<byte[]>... parts) {
        List<byte[]> all = new ArrayList<>();
        for (List<byte[]> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
