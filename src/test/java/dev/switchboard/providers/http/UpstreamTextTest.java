package dev.switchboard.providers.http;

import dev.switchboard.catalog.EndpointId;
import dev.switchboard.catalog.ModelId;
import dev.switchboard.catalog.ProviderId;
import dev.switchboard.providers.UpstreamFailure;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 item 15: what failed, in our words; never a provider's HTML page or the transport's detail. */
class UpstreamTextTest {
    static final EndpointId ENDPOINT = new EndpointId(new ModelId("openai/gpt-4.1"), new ProviderId("openai"));

    @Test
    void anHtmlErrorPageBecomesOneSentence() {
        String page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        assertThat(UpstreamText.describe(ENDPOINT, 502, page.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("provider openai answered HTTP 502 with an HTML page instead of an API error");
    }

    @Test
    void shortPlainTextIsKeptOnOneLine() {
        assertThat(UpstreamText.describe(ENDPOINT, 503, "upstream connect error\r\nor disconnect".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("upstream connect error or disconnect");
        assertThat(UpstreamText.describe(ENDPOINT, 503, "x".repeat(5_000).getBytes(StandardCharsets.UTF_8))).hasSize(303);
        assertThat(UpstreamText.describe(ENDPOINT, 500, new byte[0])).isEqualTo("HTTP 500 from provider");
    }

    @Test
    void aRefusedConnectionSaysSoWithoutTheTransportsDetail() {
        UpstreamFailure failure = UpstreamHttp.failure(ENDPOINT,
                new ConnectException("io_uring connect(..) failed with error(-111)"), "connecting");
        assertThat(failure).isInstanceOf(UpstreamFailure.NotReached.class);
        assertThat(failure.getMessage()).isEqualTo("could not connect to provider openai (connection refused or reset)")
                .doesNotContain("io_uring", "-111");
    }

    @Test
    void runningOutOfFileDescriptorsIsOurLimitNotTheProviders() {
        UpstreamFailure failure = UpstreamHttp.failure(ENDPOINT,
                new java.io.IOException("newSocketStream(..) failed with error(-24): Too many open files"), "connecting");
        assertThat(failure).isInstanceOf(UpstreamFailure.AtCapacity.class);
        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.getMessage()).contains("open-file limit").contains("not sent");
    }
}
