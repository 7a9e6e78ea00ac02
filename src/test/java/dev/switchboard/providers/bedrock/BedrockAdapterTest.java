package dev.switchboard.providers.bedrock;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogFactory;
import dev.switchboard.catalog.Endpoint;
import dev.switchboard.catalog.Provider;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.providers.ProviderAdapters;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Where and how the adapter calls Bedrock: URL, authentication, and the provider's configuration. */
class BedrockAdapterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC);
    private static final byte[] BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}"
            .getBytes(StandardCharsets.UTF_8);

    private static Endpoint configured(String providerFields, String upstreamModel, Map<String, String> env) {
        String yaml = """
                providers:
                  - { id: bed, protocol: bedrock, %s }
                models:
                  - id: test/bed
                    name: Bed
                    context_length: 1000
                    pricing: { prompt: 1, completion: 1 }
                    endpoints:
                      - { provider: bed, upstream_model: "%s" }
                """.formatted(providerFields, upstreamModel);
        Catalog catalog = CatalogFactory.build(new ConfigLoader(env).load("t.yaml", yaml), ProviderAdapters.IMPLEMENTED);
        return catalog.find("test/bed").orElseThrow().endpoints().getFirst();
    }

    private static Endpoint sigV4(String sessionToken) {
        return configured("aws: { region: us-east-1, access_key_id: AKIDEXAMPLE, secret_access_key: wJalrXUtnFEMI/K7MDENG,"
                + " session_token: \"" + sessionToken + "\" }, headers: { X-Team: search }", "anthropic.claude-3-haiku-20240307-v1:0", Map.of());
    }

    @Test
    void derivesTheRuntimeUrlFromTheRegionAndEncodesTheModelIdAsOneSegment() {
        Endpoint arn = configured("api_key: k, aws: { region: eu-central-1 }",
                "arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-6", Map.of());

        assertThat(arn.enabled()).isTrue();
        assertThat(BedrockAdapter.url(arn, false)).isEqualTo("https://bedrock-runtime.eu-central-1.amazonaws.com/model/"
                + "arn%3Aaws%3Abedrock%3Aeu-central-1%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-sonnet-4-6/converse");
        Endpoint profile = configured("api_key: k, aws: { region: us-west-2 }", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", Map.of());
        assertThat(BedrockAdapter.url(profile, true)).isEqualTo("https://bedrock-runtime.us-west-2.amazonaws.com/model/"
                + "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream");
    }

    @Test
    void readsTheRegionFromAStandardBaseUrl() {
        Endpoint endpoint = configured("base_url: \"https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com\","
                + " aws: { access_key_id: a, secret_access_key: s }", "m", Map.of());

        assertThat(endpoint.enabled()).isTrue();
        assertThat(endpoint.provider().aws().region()).isEqualTo("us-gov-west-1");
    }

    @Test
    void sendsABedrockApiKeyAsABearerTokenUnsigned() {
        Provider provider = configured("api_key: \"${AWS_BEARER_TOKEN_BEDROCK}\", aws: { region: us-east-1 }", "m",
                Map.of("AWS_BEARER_TOKEN_BEDROCK", "ABSKbedrock-key")).provider();

        Map<String, String> headers = BedrockAdapter.headers(provider, "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
                BODY, true, CLOCK);

        assertThat(headers).containsEntry("authorization", "Bearer ABSKbedrock-key")
                .containsEntry("accept", "application/vnd.amazon.eventstream")
                .doesNotContainKeys("X-Amz-Date", "x-amz-content-sha256");
    }

    @Test
    void signsWithSigV4OverTheExactBodyAsTheSdkSignerWould() throws Exception {
        Endpoint endpoint = sigV4("");
        String url = BedrockAdapter.url(endpoint, false);

        Map<String, String> headers = BedrockAdapter.headers(endpoint.provider(), url, BODY, false, CLOCK);

        assertThat(headers.get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/bedrock/aws4_request, SignedHeaders=")
                .contains("x-team").contains("content-type").contains("host");
        assertThat(headers.get("X-Amz-Date")).isEqualTo("20261122T080000Z");
        assertThat(headers.get("x-amz-content-sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(BODY)));
        assertThat(headers).doesNotContainKey("X-Amz-Security-Token");
        // an independent signing of what goes on the wire gives the same signature
        assertThat(headers.get("Authorization")).isEqualTo(resign(url, headers, BODY,
                AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")));
        // and another body would not
        assertThat(headers.get("Authorization")).isNotEqualTo(resign(url, headers, "{}".getBytes(StandardCharsets.UTF_8),
                AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")));
    }

    @Test
    void signsTheSessionTokenOfTemporaryCredentials() {
        Endpoint endpoint = sigV4("FwoGZXIvYXdzEXAMPLE");
        String url = BedrockAdapter.url(endpoint, true);

        Map<String, String> headers = BedrockAdapter.headers(endpoint.provider(), url, BODY, true, CLOCK);

        assertThat(headers.get("X-Amz-Security-Token")).isEqualTo("FwoGZXIvYXdzEXAMPLE");
        assertThat(headers.get("Authorization")).contains("x-amz-security-token").isEqualTo(resign(url, headers, BODY,
                AwsSessionCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "FwoGZXIvYXdzEXAMPLE")));
    }

    @Test
    void aConfiguredHeaderReplacesTheDefaultOfTheSameNameWhateverItsCaseSoTheSignatureCoversWhatIsSent() {
        Endpoint endpoint = configured("aws: { region: us-east-1, access_key_id: AKIDEXAMPLE, secret_access_key: s },"
                + " headers: { Content-Type: application/json; charset=utf-8 }", "m", Map.of());
        String url = BedrockAdapter.url(endpoint, false);

        Map<String, String> headers = BedrockAdapter.headers(endpoint.provider(), url, BODY, false, CLOCK);

        assertThat(headers.keySet().stream().filter(name -> name.equalsIgnoreCase("content-type"))).hasSize(1);
        assertThat(headers.get("content-type")).isEqualTo("application/json; charset=utf-8");
    }

    /** Signs the request as received (every header but the signature's own) with the SDK signer, directly. */
    private static String resign(String url, Map<String, String> sent, byte[] body, AwsCredentialsIdentity identity) {
        java.net.URI uri = java.net.URI.create(url);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol(uri.getScheme())
                .host(uri.getHost()).encodedPath(uri.getRawPath());
        sent.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Authorization") && !name.equalsIgnoreCase("X-Amz-Date")
                    && !name.equalsIgnoreCase("x-amz-content-sha256") && !name.equalsIgnoreCase("X-Amz-Security-Token")) {
                request.putHeader(name, value);
            }
        });
        return AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                        .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK))
                .request().firstMatchingHeader("Authorization").orElseThrow();
    }

    @Test
    void isDisabledWithThePreciseReasonWhenCredentialsAreMissing() {
        String fields = "api_key: \"${AWS_BEARER_TOKEN_BEDROCK}\", aws: { region: \"${AWS_REGION}\","
                + " access_key_id: \"${AWS_ACCESS_KEY_ID}\", secret_access_key: \"${AWS_SECRET_ACCESS_KEY}\" }";

        assertThat(configured(fields, "m", Map.of("AWS_REGION", "us-east-1")).disabledReason())
                .isEqualTo("bed: no credentials: api_key is empty (set AWS_BEARER_TOKEN_BEDROCK)"
                        + " and aws.access_key_id is empty (set AWS_ACCESS_KEY_ID)");
        assertThat(configured(fields, "m", Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "a")).disabledReason())
                .isEqualTo("bed: aws.secret_access_key is empty (set AWS_SECRET_ACCESS_KEY)");
        assertThat(configured(fields, "m", Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "s")).disabledReason())
                .isEqualTo("bed: aws.region is empty (set AWS_REGION) and base_url names no region (SigV4 signs for a region)");
        assertThat(configured(fields, "m", Map.of("AWS_BEARER_TOKEN_BEDROCK", "k")).disabledReason())
                .isEqualTo("bed: base_url is empty and aws.region is empty (set AWS_REGION)");
        assertThat(configured(fields, "m", Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "a",
                "AWS_SECRET_ACCESS_KEY", "s")).enabled()).isTrue();
    }

    @Test
    void rejectsAwsSettingsOnOtherProtocolsAndMalformedRegions() {
        String yaml = """
                providers:
                  - { id: oa, protocol: openai, base_url: "https://x.test", api_key: k, aws: { region: us-east-1 } }
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> CatalogFactory.build(
                new ConfigLoader(Map.of()).load("t.yaml", yaml), ProviderAdapters.IMPLEMENTED));
        assertThat(e.getMessage()).contains("providers[0].aws").contains("only for providers with protocol bedrock");

        ConfigException region = catchThrowableOfType(ConfigException.class,
                () -> configured("api_key: k, aws: { region: \"US East\" }", "m", Map.of()));
        assertThat(region.getMessage()).contains("aws.region").contains("expected an AWS region");
    }
}
