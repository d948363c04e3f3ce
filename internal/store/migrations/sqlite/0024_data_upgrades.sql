-- The one-time upgrades of data done in Go at start-up (sealing text an
-- older version kept in clear), each recorded when it has run to the end, so
-- that later starts skip it instead of reading the tables again.
CREATE TABLE data_upgrades (
    name    TEXT PRIMARY KEY,
    done_at TIMESTAMP NOT NULL
);
