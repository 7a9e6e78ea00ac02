-- Responses API answers kept for GET /v1/responses/{id}, input_items and previous_response_id.
-- context: every item the model saw (earlier turns expanded, then this request's input), as a JSON array;
-- input_items: this request's own input items; response: the Response object as the client got it.
CREATE TABLE responses (
    id                   VARCHAR(100) NOT NULL PRIMARY KEY,
    key_hash             VARCHAR(64)  NOT NULL,
    created_at           BIGINT       NOT NULL,   -- epoch milliseconds
    previous_response_id VARCHAR(100),
    input_items          TEXT         NOT NULL,
    context              TEXT         NOT NULL,
    response             TEXT         NOT NULL
);
CREATE INDEX responses_created_at ON responses (created_at);
