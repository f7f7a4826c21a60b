DROP TABLE outbox;
ALTER TABLE scim_imports DROP COLUMN silence_notified_at;
