DROP TABLE singletons;
DROP TABLE sessions;
ALTER TABLE principals DROP COLUMN last_failed_login_at;
ALTER TABLE principals DROP COLUMN failed_logins;
ALTER TABLE principals DROP COLUMN must_change_password;
