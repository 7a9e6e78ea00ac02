package dev.switchboard.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class AccessLogAppenderTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    private LoggingEvent line(String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger("switchboard.access"), Level.INFO, message, null, null);
    }

    private AccessLogAppender started(OutputStream target) {
        AccessLogAppender appender = new AccessLogAppender(target);
        appender.setContext(context);
        appender.start();
        return appender;
    }

    @Test
    void linesWaitForTheTimedFlushThenComeOutInOrderAndStopWritesTheRest() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogAppender appender = started(out);
        appender.doAppend(line("first"));
        appender.doAppend(line("second"));
        assertThat(out.size()).as("no write per line").isZero();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (out.size() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nsecond\n");

        appender.doAppend(line("last"));
        appender.stop();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nsecond\nlast\n");
    }

    @Test
    void aFullChunkGoesOutAtOnceAndOrderHoldsAcrossChunks() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogAppender appender = started(out);
        String filler = "x".repeat(999);
        int lines = 3 * AccessLogAppender.CHUNK_CHARS / 1000 + 7;
        for (int i = 0; i < lines; i++) {
            appender.doAppend(line(i + " " + filler));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AccessLogAppender.FLUSH_EVERY_MS / 2);
        while (out.size() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(out.size()).as("written before the timed flush").isGreaterThan(0);
        appender.stop();
        String[] written = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(written).hasSize(lines);
        for (int i = 0; i < lines; i++) {
            assertThat(written[i]).startsWith(i + " ");
        }
    }

    @Test
    void stuckOutputDropsAndCountsLinesInsteadOfHoldingRequests() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write(b, off, len);
            }
        };
        AccessLogAppender appender = started(stuck);
        String filler = "y".repeat(AccessLogAppender.CHUNK_CHARS);
        // a guard against hanging, not a timing claim: appending must never wait for the output
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < AccessLogAppender.MAX_QUEUED_CHUNKS + 10; i++) {
                appender.doAppend(line(filler));
            }
        });
        release.countDown();
        appender.stop();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("lines dropped while standard output was blocked");
    }
}
