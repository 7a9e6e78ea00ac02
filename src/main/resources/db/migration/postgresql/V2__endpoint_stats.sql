-- Endpoint statistics history, so a restart keeps it and the UI can draw the last 72 hours.
-- Outcome counts per minute, summed over every node (each node adds what it recorded since its last write).
CREATE TABLE endpoint_minutes (
    minute       BIGINT       NOT NULL,   -- minutes since the epoch, UTC
    model        VARCHAR(200) NOT NULL,
    provider_id  VARCHAR(200) NOT NULL,
    successes    BIGINT       NOT NULL,
    errors       BIGINT       NOT NULL,
    rate_limited BIGINT       NOT NULL,
    cancelled    BIGINT       NOT NULL,
    PRIMARY KEY (minute, model, provider_id)
);

-- Latency and throughput histograms per minute and node (HdrHistogram's compressed encoding):
-- histograms cannot be added in SQL, so each node replaces its own row.
CREATE TABLE endpoint_histograms (
    minute            BIGINT       NOT NULL,
    model             VARCHAR(200) NOT NULL,
    provider_id       VARCHAR(200) NOT NULL,
    node              VARCHAR(64)  NOT NULL,
    latency_ms        BYTEA        NOT NULL,
    tokens_per_second BYTEA        NOT NULL,
    PRIMARY KEY (minute, model, provider_id, node)
);
