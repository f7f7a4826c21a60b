-- Foundation: enterprises, principals, SCIM import setup, persons, activity log.
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
    source TEXT NOT NULL,
    user_name TEXT NOT NULL,
    user_name_lower TEXT NOT NULL,
    external_id TEXT,
    active BOOLEAN NOT NULL,
    display_name TEXT,
    title TEXT,
    preferred_language TEXT,
    given_name TEXT,
    family_name TEXT,
    formatted_name TEXT,
    email_work TEXT,
    email_other TEXT,
    phone_work TEXT,
    phone_mobile TEXT,
    phone_fax TEXT,
    work_street_address TEXT,
    work_locality TEXT,
    work_region TEXT,
    work_postal_code TEXT,
    work_country TEXT,
    work_formatted_address TEXT,
    other_formatted_address TEXT,
    employee_number TEXT,
    department TEXT,
    division TEXT,
    organization TEXT,
    cost_center TEXT,
    manager TEXT,
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
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
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
