ALTER TABLE outbox DROP COLUMN language;
ALTER TABLE scim_imports DROP COLUMN notice_language;
