-- Presets (@preset/NAME): a named configuration whose versions are immutable rows. latest_version is the
-- version requests use; each change adds a version. Deleting a preset removes it and its versions.
CREATE TABLE presets (
    name           VARCHAR(64) NOT NULL PRIMARY KEY,
    created_at     BIGINT      NOT NULL,   -- epoch milliseconds
    updated_at     BIGINT      NOT NULL,
    latest_version INTEGER     NOT NULL
);
-- config: the preset's configuration as a JSON object; system_prompt: null when it has none
CREATE TABLE preset_versions (
    name          VARCHAR(64) NOT NULL,
    version       INTEGER     NOT NULL,
    created_at    BIGINT      NOT NULL,
    system_prompt TEXT,
    config        TEXT        NOT NULL,
    PRIMARY KEY (name, version)
);
