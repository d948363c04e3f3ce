-- The front door: inquiries from the public pages, the per-address limit on
-- sending them, the client's intake answers, and prescribers' screening
-- decisions.
--
-- An inquiry is not yet a client record: it belongs to a clinic and is seen
-- by its staff. What brings someone is sensitive free text and is sealed, as
-- is every intake answer and every decision note.

CREATE TABLE inquiries (
    id           TEXT PRIMARY KEY,
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    name         TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL DEFAULT '',
    consent      INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL,
    close_reason TEXT NOT NULL DEFAULT '',
    client_id    TEXT REFERENCES clients(id),
    received_at  TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    updated_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inquiries_clinic ON inquiries (clinic_id, status, received_at);

-- Every inquiry submission (kept or not) counts towards its address's limit,
-- in the database so the limit holds across instances.
CREATE TABLE inquiry_attempts (
    id TEXT PRIMARY KEY,
    ip TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX inquiry_attempts_ip ON inquiry_attempts (ip, at);

-- One sealed JSON document of intake answers per course; sections lists the
-- sections saved so far, so a page can say what is done without opening it.
CREATE TABLE intake_answers (
    course_id    TEXT PRIMARY KEY REFERENCES courses(id),
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    client_id    TEXT NOT NULL REFERENCES clients(id),
    answers      TEXT NOT NULL,
    sections     TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);

CREATE TABLE screening_decisions (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    course_id  TEXT NOT NULL REFERENCES courses(id),
    kind       TEXT NOT NULL,
    tier       TEXT NOT NULL,
    rules      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP
);
CREATE INDEX screening_decisions_course ON screening_decisions (course_id, decided_at);
