ALTER TABLE principals DROP COLUMN last_login_at;
DROP TABLE refused_while_off;
