DROP TABLE activities;
DROP TABLE persons;
DROP TABLE scim_imports;
DROP TABLE principals;
DROP TABLE enterprises;
