-- Setup › SCIM Import for principals: sessions, login throttling, one-time passwords,
-- first-start bootstrap.

ALTER TABLE principals ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE principals ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE principals ADD COLUMN last_failed_login_at BIGINT;

-- Session tokens are stored only as SHA-256 hashes, as is the CSRF token that goes with them.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    principal_id TEXT NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    csrf_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_principal ON sessions (principal_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- Named one-time events (the first-start bootstrap): the primary key makes them happen once
-- even when several instances start together.
CREATE TABLE singletons (
    name TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL
);
