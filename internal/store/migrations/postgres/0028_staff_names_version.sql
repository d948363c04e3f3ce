-- A count of the changes to a clinic's staff names: a staff member added or
-- any account renamed adds one, in the same transaction (CreateUser,
-- SetUserName). The names are read on most pages; a server keeps them
-- between requests and reads them again only when this has moved, so
-- several instances on one database never show a name another has changed.
ALTER TABLE clinics ADD COLUMN staff_names_version BIGINT NOT NULL DEFAULT 0;
