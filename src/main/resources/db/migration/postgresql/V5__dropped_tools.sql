-- The hosted tools (web_search, …) a Responses API request offered that the serving endpoint could not
-- run (its provider does not speak the Responses API), comma-separated; null when none were dropped.
ALTER TABLE generations ADD COLUMN dropped_tools TEXT;
