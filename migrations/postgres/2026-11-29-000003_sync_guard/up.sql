-- The sync guard: notices wait in an outbox in the same database until delivered, and the
-- silence watchdog remembers when it last warned.

ALTER TABLE scim_imports ADD COLUMN silence_notified_at BIGINT;

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    enterprise_name TEXT NOT NULL,
    incident_id TEXT,
    recipient TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    setup_url TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- A worker that takes a notice leases it until then; another may take it after.
    claimed_until BIGINT,
    delivered_at BIGINT,
    abandoned_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at);
-- One notice per address per incident, whichever instance raised it.
CREATE UNIQUE INDEX outbox_incident_recipient ON outbox (incident_id, recipient);
