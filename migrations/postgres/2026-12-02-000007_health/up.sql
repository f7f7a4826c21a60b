-- The Person list's health. Each person's channels (which of mobile, work phone, work and
-- other e-mail hold a value: one bit each) and since when it is inactive, so that the reports
-- and the Persons filters are answered from indexes.
ALTER TABLE persons ADD COLUMN channels INTEGER NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN inactive_since BIGINT;
UPDATE persons SET channels =
    (CASE WHEN phone_mobile IS NOT NULL THEN 1 ELSE 0 END)
  + (CASE WHEN phone_work IS NOT NULL THEN 2 ELSE 0 END)
  + (CASE WHEN email_work IS NOT NULL THEN 4 ELSE 0 END)
  + (CASE WHEN email_other IS NOT NULL THEN 8 ELSE 0 END);
-- Inactive before this was recorded: since their last change, the best that is known.
UPDATE persons SET inactive_since = updated_at WHERE NOT active;
CREATE INDEX persons_reach ON persons (enterprise_id, active, channels, id);
CREATE INDEX persons_source ON persons (enterprise_id, source, active);
CREATE INDEX persons_inactive_since ON persons (enterprise_id, inactive_since);
-- Manual persons are few beside Entra's: partial, so that the planner knows it (with only the
-- source index, statistics of an all-SCIM list made SQLite scan 1M persons for them).
CREATE INDEX persons_manual ON persons (enterprise_id, id) WHERE source = 'manual';

-- How many persons of each kind (source, active, channels) an enterprise has, kept by every
-- write in its transaction. Spread over stripes (by person id) so that parallel writers of
-- one enterprise rarely wait for the same row; a reader sums the stripes.
CREATE TABLE person_counts (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    stripe INTEGER NOT NULL,
    source TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    channels INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, stripe, source, active, channels)
);
INSERT INTO person_counts (enterprise_id, stripe, source, active, channels, n)
    SELECT enterprise_id, 0, source, active, channels, COUNT(*) FROM persons
    GROUP BY enterprise_id, source, active, channels;

-- When Entra last created a person (mark 'created') and last carried each field (mark: the
-- field's key), written with the writes (at most once a minute per mark and instance).
CREATE TABLE entra_marks (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    mark TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, mark)
);

-- Since when each imported field is imported ("key=micros,…"), and the purge rule.
ALTER TABLE scim_imports ADD COLUMN mapping_since TEXT NOT NULL DEFAULT '';
ALTER TABLE scim_imports ADD COLUMN purge_inactive_after_days INTEGER;

-- The activity log by time (the last 24 hours, the last 30 days' refused creates) and by
-- person (a person's SCIM activity).
CREATE INDEX activities_enterprise_outcome_at ON activities (enterprise_id, outcome, at);
CREATE INDEX activities_person ON activities (person_id, seq);
