package dev.switchboard.providers.bedrock;

import dev.switchboard.catalog.AwsSettings;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AWS Signature Version 4 for Bedrock Runtime, by the AWS SDK's own signer
 * ({@link AwsV4HttpSigner}): signing name {@code bedrock} (not "bedrock-runtime"; service-2.json
 * metadata), the provider's region, the exact body bytes that will be sent, and the injected clock.
 * Returns the headers to add: {@code Authorization}, {@code X-Amz-Date},
 * {@code x-amz-content-sha256} and, for temporary credentials, {@code X-Amz-Security-Token}.
 * Thread-safe and allocation-light: the SDK signer is stateless.
 */
final class RequestSigner {
    static final String SIGNING_NAME = "bedrock";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private RequestSigner() {
    }

    /**
     * Signs a POST of {@code body} to {@code url} (path already percent-encoded) carrying
     * {@code headers} (a case-insensitive map); returns the signature headers only.
     */
    static Map<String, String> sign(AwsSettings aws, String url, Map<String, String> headers, byte[] body, Clock clock) {
        URI uri = URI.create(url);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol(uri.getScheme())
                .host(uri.getHost())
                .port(uri.getPort() > 0 ? uri.getPort() : null)
                .encodedPath(uri.getRawPath());
        headers.forEach(request::putHeader);
        AwsCredentialsIdentity identity = aws.sessionToken().isEmpty()
                ? AwsCredentialsIdentity.create(aws.accessKeyId(), aws.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(aws.accessKeyId(), aws.secretAccessKey(), aws.sessionToken());
        SdkHttpRequest signed = SIGNER.sign(r -> r
                .identity(identity)
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, aws.region())
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
        Map<String, String> added = new LinkedHashMap<>();
        signed.headers().forEach((name, values) -> {
            if (!headers.containsKey(name) && !name.equalsIgnoreCase("host")) {
                added.put(name, String.join(",", values));
            }
        });
        return added;
    }
}
