package dev.switchboard.catalog;

/**
 * How a Bedrock provider reaches AWS: the region it signs for and, for SigV4, the access key
 * pair (plus a session token for temporary credentials). Empty strings mean "not set"; other
 * protocols carry {@link #NONE}. Secrets never appear in {@link #toString()}.
 */
public record AwsSettings(String region, String accessKeyId, String secretAccessKey, String sessionToken) {
    public static final AwsSettings NONE = new AwsSettings("", "", "", "");

    /** Whether SigV4 can sign: both halves of the key pair are set. */
    public boolean hasKeyPair() {
        return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty();
    }

    @Override
    public String toString() {
        return "AwsSettings[region=" + region + (hasKeyPair() ? ", key pair" : "")
                + (sessionToken.isEmpty() ? "" : ", session token") + "]";
    }
}
