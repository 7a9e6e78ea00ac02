-- Keys, the usage ledger and settings. Money is INTEGER pico-dollars (1e-12 USD): exact and summable.
CREATE TABLE api_keys (
    hash                TEXT    PRIMARY KEY,
    name                TEXT    NOT NULL,
    label               TEXT    NOT NULL,
    role                TEXT    NOT NULL,
    limit_pico          INTEGER,
    limit_reset         TEXT,
    expires_at          INTEGER,
    requests_per_minute INTEGER,
    tokens_per_minute   INTEGER,
    disabled            INTEGER NOT NULL DEFAULT 0,
    usage_pico          INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

CREATE TABLE generations (
    id                 TEXT    NOT NULL PRIMARY KEY,
    day                INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    key_hash           TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    provider_id        TEXT    NOT NULL,
    provider_name      TEXT    NOT NULL,
    upstream_id        TEXT,
    app                TEXT,
    app_url            TEXT,
    external_user      TEXT,
    tokens_prompt      INTEGER NOT NULL,
    tokens_completion  INTEGER NOT NULL,
    tokens_cached      INTEGER NOT NULL,
    tokens_cache_write INTEGER NOT NULL,
    tokens_reasoning   INTEGER NOT NULL,
    usage_estimated    INTEGER NOT NULL,
    cost_pico          INTEGER NOT NULL,
    latency_ms         INTEGER,
    generation_time_ms INTEGER,
    streamed           INTEGER NOT NULL,
    cancelled          INTEGER NOT NULL,
    finish_reason      TEXT,
    attempts           INTEGER NOT NULL
);

CREATE INDEX generations_key_day ON generations (key_hash, day);
CREATE INDEX generations_day ON generations (day);

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
