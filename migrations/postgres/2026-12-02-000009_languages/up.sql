-- The language of an enterprise's notices (chosen on Setup), and the one each queued notice
-- is written in (a BCP 47 tag ENS+ speaks: en, de).
ALTER TABLE scim_imports ADD COLUMN notice_language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE outbox ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
