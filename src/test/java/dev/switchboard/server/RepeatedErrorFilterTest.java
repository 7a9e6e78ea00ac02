package dev.switchboard.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RepeatedErrorFilterTest {
    private final LoggerContext context = new LoggerContext();
    private final AtomicLong now = new AtomicLong();
    private final RepeatedErrorFilter filter = new RepeatedErrorFilter(now::get);

    private FilterReply log(String logger, Level level, Throwable t) {
        Logger target = context.getLogger(logger);
        return filter.decide(null, target, level, "accept failed", null, t);
    }

    @Test
    void aRepeatedTransportErrorIsLoggedOncePerWindow() {
        IOException tooMany = new IOException("accept(..) failed: Too many open files");
        assertThat(log("io.netty.channel.DefaultChannelPipeline", Level.WARN, tooMany)).isEqualTo(FilterReply.NEUTRAL);
        for (int i = 0; i < 1_000; i++) {
            assertThat(log("io.netty.channel.DefaultChannelPipeline", Level.WARN,
                    new IOException("accept(..) failed: Too many open files"))).isEqualTo(FilterReply.DENY);
        }
        now.addAndGet(RepeatedErrorFilter.WINDOW_NANOS);
        assertThat(log("io.netty.channel.DefaultChannelPipeline", Level.WARN, tooMany)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void otherErrorsAndOtherLoggersPass() {
        log("io.vertx.core.net.impl.ConnectionBase", Level.ERROR, new IOException("Too many open files"));
        assertThat(log("io.vertx.core.net.impl.ConnectionBase", Level.ERROR, new IOException("Connection reset")))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(log("dev.switchboard.server.HttpEdge", Level.ERROR, new IOException("Too many open files")))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(log("dev.switchboard.server.HttpEdge", Level.ERROR, new IOException("Too many open files")))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(log("io.netty.x", Level.INFO, new IOException("a"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(log("io.netty.x", Level.INFO, new IOException("a"))).isEqualTo(FilterReply.NEUTRAL);
    }
}
