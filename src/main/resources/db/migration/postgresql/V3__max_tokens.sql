-- The output limit a client asked for and the one the serving endpoint was sent (lower when its
-- max_output_tokens cut it); both null when the client set none. Added to every partition.
ALTER TABLE generations ADD COLUMN max_tokens_requested BIGINT;
ALTER TABLE generations ADD COLUMN max_tokens BIGINT;
