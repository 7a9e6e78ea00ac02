-- Keys, the usage ledger and settings. Money is BIGINT pico-dollars (1e-12 USD): exact and summable.
CREATE TABLE api_keys (
    hash                VARCHAR(64)  PRIMARY KEY,
    name                VARCHAR(200) NOT NULL,
    label               VARCHAR(40)  NOT NULL,
    role                VARCHAR(16)  NOT NULL,
    limit_pico          BIGINT,
    limit_reset         VARCHAR(10),
    expires_at          BIGINT,
    requests_per_minute INTEGER,
    tokens_per_minute   BIGINT,
    disabled            BOOLEAN      NOT NULL DEFAULT FALSE,
    usage_pico          BIGINT       NOT NULL DEFAULT 0,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL
);

-- Partitioned by day so retention drops whole partitions instead of deleting rows.
CREATE TABLE generations (
    id                 VARCHAR(64)  NOT NULL,
    day                INTEGER      NOT NULL,
    created_at         BIGINT       NOT NULL,
    key_hash           VARCHAR(64)  NOT NULL,
    model              VARCHAR(200) NOT NULL,
    provider_id        VARCHAR(100) NOT NULL,
    provider_name      VARCHAR(200) NOT NULL,
    upstream_id        VARCHAR(200),
    app                VARCHAR(500),
    app_url            VARCHAR(2000),
    external_user      VARCHAR(500),
    tokens_prompt      BIGINT       NOT NULL,
    tokens_completion  BIGINT       NOT NULL,
    tokens_cached      BIGINT       NOT NULL,
    tokens_cache_write BIGINT       NOT NULL,
    tokens_reasoning   BIGINT       NOT NULL,
    usage_estimated    BOOLEAN      NOT NULL,
    cost_pico          BIGINT       NOT NULL,
    latency_ms         BIGINT,
    generation_time_ms BIGINT,
    streamed           BOOLEAN      NOT NULL,
    cancelled          BOOLEAN      NOT NULL,
    finish_reason      VARCHAR(40),
    attempts           INTEGER      NOT NULL,
    PRIMARY KEY (id, day)
) PARTITION BY RANGE (day);

-- catches rows whose day has no partition yet; the application creates daily partitions ahead
CREATE TABLE generations_default PARTITION OF generations DEFAULT;

CREATE INDEX generations_key_day ON generations (key_hash, day);

CREATE TABLE meta (
    name  VARCHAR(100) PRIMARY KEY,
    value TEXT         NOT NULL
);
