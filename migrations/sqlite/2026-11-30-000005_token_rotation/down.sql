DROP INDEX scim_imports_previous_token_until;
DROP INDEX scim_imports_previous_token;
ALTER TABLE scim_imports DROP COLUMN previous_token_last_used_at;
ALTER TABLE scim_imports DROP COLUMN previous_token_until;
ALTER TABLE scim_imports DROP COLUMN previous_token_last4;
ALTER TABLE scim_imports DROP COLUMN previous_token_created_at;
ALTER TABLE scim_imports DROP COLUMN previous_token_hash;
ALTER TABLE scim_imports DROP COLUMN token_last_used_at;
