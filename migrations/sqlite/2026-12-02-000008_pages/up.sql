-- Changes Entra sent while SCIM import was off, counted per enterprise and UTC day (days since
-- the epoch), so that Setup can say how many wait in Entra without an entry each.
CREATE TABLE refused_while_off (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, day)
);

-- When each principal last logged in, for the Principals page.
ALTER TABLE principals ADD COLUMN last_login_at BIGINT;
