-- Finishing the front door and preparation: when and by whom a goal was
-- marked achieved or dropped, and the notes that send a course back to
-- intake for the client to look at again.

ALTER TABLE goals ADD COLUMN status_at TIMESTAMPTZ;
ALTER TABLE goals ADD COLUMN status_by TEXT NOT NULL DEFAULT '';

-- A course sent back from screening to intake, with a note the client reads
-- in the portal. The note is sealed at rest; rows are never changed.
CREATE TABLE intake_returns (
    id        TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    client_id TEXT NOT NULL REFERENCES clients(id),
    course_id TEXT NOT NULL REFERENCES courses(id),
    note      TEXT NOT NULL,
    by_user   TEXT NOT NULL REFERENCES users(id),
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX intake_returns_course ON intake_returns (course_id, at);

CREATE TRIGGER intake_returns_immutable BEFORE UPDATE OR DELETE ON intake_returns
    FOR EACH ROW EXECUTE FUNCTION doorway_refuse_change('a note sending a course back to intake cannot be changed or deleted');
