-- A hold on mass deactivation: every person leaving the alert list through SCIM (an active
-- person deactivated or deleted) is recorded in the write's transaction, so that a write can
-- count the enterprise's departures within the rolling window from an index.
CREATE TABLE departures (
    seq BIGSERIAL PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    display_name TEXT,
    action TEXT NOT NULL,
    at BIGINT NOT NULL
);
-- The window's count and the hold's examples (newest first).
CREATE INDEX departures_enterprise_at ON departures (enterprise_id, at);
-- Pruning with the activity log's retention.
CREATE INDEX departures_at ON departures (at);

-- Each enterprise's limit (defaults: more than max(20, 10 %) within 60 minutes), a lift a
-- principal granted, and the held incident's numbers and held person.
ALTER TABLE scim_imports ADD COLUMN departure_floor INTEGER NOT NULL DEFAULT 20;
ALTER TABLE scim_imports ADD COLUMN departure_percent INTEGER NOT NULL DEFAULT 10;
ALTER TABLE scim_imports ADD COLUMN departure_window_minutes INTEGER NOT NULL DEFAULT 60;
ALTER TABLE scim_imports ADD COLUMN departures_allowed_until BIGINT;
ALTER TABLE scim_imports ADD COLUMN hold_attempted BIGINT;
ALTER TABLE scim_imports ADD COLUMN hold_threshold BIGINT;
ALTER TABLE scim_imports ADD COLUMN hold_window_minutes INTEGER;
ALTER TABLE scim_imports ADD COLUMN hold_since BIGINT;
ALTER TABLE scim_imports ADD COLUMN hold_person_id TEXT;
ALTER TABLE scim_imports ADD COLUMN hold_user_name TEXT;
ALTER TABLE scim_imports ADD COLUMN hold_display_name TEXT;
ALTER TABLE scim_imports ADD COLUMN hold_action TEXT;
ALTER TABLE scim_imports ADD COLUMN hold_at BIGINT;

-- The persons a notice names as examples, one per line.
ALTER TABLE outbox ADD COLUMN examples TEXT NOT NULL DEFAULT '';
