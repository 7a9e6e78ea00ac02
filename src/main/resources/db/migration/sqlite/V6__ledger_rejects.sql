-- Ledger rows the database refused (a value no column takes): kept here, with the reason, so one bad
-- row neither blocks the rows behind it nor is lost. row_json is the row as the gateway made it.
CREATE TABLE ledger_rejects (
    set_aside_at  INTEGER NOT NULL,
    generation_id TEXT,
    reason        TEXT    NOT NULL,
    row_json      TEXT    NOT NULL
);
