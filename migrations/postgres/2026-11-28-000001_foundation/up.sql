-- Foundation: enterprises, principals, SCIM import setup, persons, activity log.
-- Text columns of persons use the C collation so that comparisons and ORDER BY are by
-- code point, as in SQLite.
-- Timestamps are microseconds since the Unix epoch (UTC); ids are UUID strings.

CREATE TABLE enterprises (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE principals (
    id TEXT PRIMARY KEY NOT NULL,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    login TEXT NOT NULL,
    login_lower TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX principals_login ON principals (login_lower);
CREATE INDEX principals_enterprise ON principals (enterprise_id);

CREATE TABLE scim_imports (
    enterprise_id TEXT PRIMARY KEY NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    token_hash TEXT,
    token_created_at BIGINT,
    token_last4 TEXT,
    notify TEXT NOT NULL,
    state TEXT NOT NULL,
    state_since BIGINT NOT NULL,
    state_by TEXT,
    failure_incident TEXT,
    failure_kind TEXT,
    failure_detail TEXT,
    mapping TEXT NOT NULL,
    last_request_at BIGINT,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX scim_imports_token ON scim_imports (token_hash);

CREATE TABLE persons (
    id TEXT PRIMARY KEY NOT NULL,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    source TEXT COLLATE "C" NOT NULL,
    user_name TEXT COLLATE "C" NOT NULL,
    user_name_lower TEXT COLLATE "C" NOT NULL,
    external_id TEXT COLLATE "C",
    active BOOLEAN NOT NULL,
    display_name TEXT COLLATE "C",
    title TEXT COLLATE "C",
    preferred_language TEXT COLLATE "C",
    given_name TEXT COLLATE "C",
    family_name TEXT COLLATE "C",
    formatted_name TEXT COLLATE "C",
    email_work TEXT COLLATE "C",
    email_other TEXT COLLATE "C",
    phone_work TEXT COLLATE "C",
    phone_mobile TEXT COLLATE "C",
    phone_fax TEXT COLLATE "C",
    work_street_address TEXT COLLATE "C",
    work_locality TEXT COLLATE "C",
    work_region TEXT COLLATE "C",
    work_postal_code TEXT COLLATE "C",
    work_country TEXT COLLATE "C",
    work_formatted_address TEXT COLLATE "C",
    other_formatted_address TEXT COLLATE "C",
    employee_number TEXT COLLATE "C",
    department TEXT COLLATE "C",
    division TEXT COLLATE "C",
    organization TEXT COLLATE "C",
    cost_center TEXT COLLATE "C",
    manager TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    scim_updated_at BIGINT
);
-- One index per lookup Entra makes: userName (case-insensitive, unique), externalId,
-- the work e-mail, and paging by id.
CREATE UNIQUE INDEX persons_user_name ON persons (enterprise_id, user_name_lower);
CREATE INDEX persons_external_id ON persons (enterprise_id, external_id);
CREATE INDEX persons_email_work ON persons (enterprise_id, lower(email_work));
CREATE INDEX persons_enterprise_id ON persons (enterprise_id, id);

CREATE TABLE activities (
    seq BIGSERIAL PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    outcome TEXT NOT NULL,
    person_id TEXT,
    user_name TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX activities_enterprise ON activities (enterprise_id, seq);
CREATE INDEX activities_at ON activities (at);
