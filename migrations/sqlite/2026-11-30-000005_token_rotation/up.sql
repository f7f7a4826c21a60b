-- Token rotation with an overlap: the token a regeneration replaced keeps working until
-- Entra uses the new one, the overlap ends, or a principal revokes it. When each was last
-- used, to the minute.
ALTER TABLE scim_imports ADD COLUMN token_last_used_at BIGINT;
ALTER TABLE scim_imports ADD COLUMN previous_token_hash TEXT;
ALTER TABLE scim_imports ADD COLUMN previous_token_created_at BIGINT;
ALTER TABLE scim_imports ADD COLUMN previous_token_last4 TEXT;
ALTER TABLE scim_imports ADD COLUMN previous_token_until BIGINT;
ALTER TABLE scim_imports ADD COLUMN previous_token_last_used_at BIGINT;
CREATE UNIQUE INDEX scim_imports_previous_token ON scim_imports (previous_token_hash);
-- The sweep that retires previous tokens whose overlap ended.
CREATE INDEX scim_imports_previous_token_until ON scim_imports (previous_token_until);
