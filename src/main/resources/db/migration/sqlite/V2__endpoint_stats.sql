-- Endpoint statistics history, so a restart keeps it and the UI can draw the last 72 hours.
-- Outcome counts per minute, summed over every node (each node adds what it recorded since its last write).
CREATE TABLE endpoint_minutes (
    minute       INTEGER NOT NULL,   -- minutes since the epoch, UTC
    model        TEXT    NOT NULL,
    provider_id  TEXT    NOT NULL,
    successes    INTEGER NOT NULL,
    errors       INTEGER NOT NULL,
    rate_limited INTEGER NOT NULL,
    cancelled    INTEGER NOT NULL,
    PRIMARY KEY (minute, model, provider_id)
);

-- Latency and throughput histograms per minute and node (HdrHistogram's compressed encoding):
-- histograms cannot be added in SQL, so each node replaces its own row.
CREATE TABLE endpoint_histograms (
    minute            INTEGER NOT NULL,
    model             TEXT    NOT NULL,
    provider_id       TEXT    NOT NULL,
    node              TEXT    NOT NULL,
    latency_ms        BLOB    NOT NULL,
    tokens_per_second BLOB    NOT NULL,
    PRIMARY KEY (minute, model, provider_id, node)
);
