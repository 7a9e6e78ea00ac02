package dev.switchboard.e2e;

import dev.switchboard.protocol.Json;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider reached over TLS that offers HTTP/2 is spoken to in HTTP/2 (ALPN), answers and streams
 * alike, and many requests share its connections. The provider here is a Vert.x server with a
 * self-signed certificate that the JVM's trust store is pointed at for the test.
 */
@Timeout(60)
class UpstreamHttp2Test {
    private static final String[] TRUST_PROPERTIES = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType",
            "javax.net.ssl.trustStorePassword"};
    private final String[] saved = new String[TRUST_PROPERTIES.length];
    private Vertx vertx;
    private HttpServer server;
    private final List<HttpVersion> versions = new CopyOnWriteArrayList<>();
    private final List<String> connections = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startProvider(@TempDir Path dir) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(Path.of(certificate.certificatePath()))) {
            trust.setCertificateEntry("provider", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        Path store = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trust.store(out, "changeit".toCharArray());
        }
        String[] values = {store.toString(), "PKCS12", "changeit"};
        for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
            saved[i] = System.getProperty(TRUST_PROPERTIES[i]);
            System.setProperty(TRUST_PROPERTIES[i], values[i]);
        }

        byte[] answer = Fixtures.bytes("openai/chat_nonstream.json");
        byte[] stream = Fixtures.bytes("openai/chat_stream.sse");
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setUseAlpn(true)
                        .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(certificate.privateKeyPath())
                                .setCertPath(certificate.certificatePath())))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    versions.add(request.version());
                    connections.add(String.valueOf(request.connection().remoteAddress()));
                    boolean streamed = Json.parse(body.toString()).path("stream").asBoolean();
                    request.response().putHeader("content-type", streamed ? "text/event-stream" : "application/json")
                            .end(io.vertx.core.buffer.Buffer.buffer(streamed ? stream : answer));
                }))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopProvider() throws Exception {
        for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
            if (saved[i] == null) {
                System.clearProperty(TRUST_PROPERTIES[i]);
            } else {
                System.setProperty(TRUST_PROPERTIES[i], saved[i]);
            }
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aTlsProviderOfferingHttp2IsSpokenToInHttp2() {
        String yaml = """
                providers:
                  - id: h2
                    name: H2
                    protocol: openai
                    base_url: https://localhost:%d/v1
                    api_key: sk-provider-h2
                    data_policy: { training: false, retention_days: 0 }
                models:
                """.formatted(server.actualPort()) + Upstreams.model("test/model", "h2");
        try (TestGateway gateway = TestGateway.start(yaml)) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> answer = gateway.post("/v1/chat/completions",
                        "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(Json.parse(answer.body()).path("provider").asText()).isEqualTo("H2");
            }
            HttpResponse<String> streamed = gateway.post("/v1/chat/completions",
                    "{\"model\":\"test/model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(streamed.body()).contains("\"provider\":\"H2\"").endsWith("data: [DONE]\n\n");

            assertThat(versions).hasSize(6).containsOnly(HttpVersion.HTTP_2);
            assertThat(connections.stream().distinct().count()).as("sequential requests share one HTTP/2 connection")
                    .isEqualTo(1);
        }
    }
}
