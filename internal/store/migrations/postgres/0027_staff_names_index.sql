-- The names of a clinic's staff (Tx.StaffNames), read by the course page,
-- the FHIR searches and every page that names who wrote something. Indexed
-- by (clinic_id, kind, name) alone, each of the staff was then read from the
-- table for its id: at 100,000 clients and 1,867 staff, most of a course
-- page's time. With the id in it, the index answers by itself, still in
-- name order for the lists that want it.
DROP INDEX users_clinic;
CREATE INDEX users_clinic ON users (clinic_id, kind, name, id);
