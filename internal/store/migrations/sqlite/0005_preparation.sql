-- Preparation: consent documents and signatures, intentions and goals, the
-- client's preparation checklist, preparation session notes, and the
-- prescribers' overrides of course gates.
--
-- Consent documents, signatures and signed notes are records of what was
-- agreed or written at a moment; the database itself refuses to change them.
-- A new version of a document is a new row. A signature changes once only:
-- when the client withdraws it. A later correction to a note is an addendum.

CREATE TABLE consent_documents (
    id           TEXT PRIMARY KEY,
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    body         TEXT NOT NULL,
    required     INTEGER NOT NULL DEFAULT 1,
    published_at TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    UNIQUE (clinic_id, kind, version)
);

CREATE TRIGGER consent_documents_no_update BEFORE UPDATE ON consent_documents
BEGIN SELECT RAISE(ABORT, 'a published consent document cannot be changed; publish a new version'); END;
CREATE TRIGGER consent_documents_no_delete BEFORE DELETE ON consent_documents
BEGIN SELECT RAISE(ABORT, 'a published consent document cannot be deleted'); END;

CREATE TABLE consent_signatures (
    id               TEXT PRIMARY KEY,
    clinic_id        TEXT NOT NULL REFERENCES clinics(id),
    client_id        TEXT NOT NULL REFERENCES clients(id),
    document_id      TEXT NOT NULL REFERENCES consent_documents(id),
    version          INTEGER NOT NULL,
    typed_name       TEXT NOT NULL,
    agreed           INTEGER NOT NULL,
    signed_at        TIMESTAMP NOT NULL,
    ip               TEXT NOT NULL DEFAULT '',
    withdrawn_at     TIMESTAMP,
    withdrawn_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_signatures_client ON consent_signatures (client_id, signed_at);

-- The only change a signature allows: withdrawn_at (and its reason) set once.
CREATE TRIGGER consent_signatures_immutable BEFORE UPDATE ON consent_signatures
WHEN OLD.withdrawn_at IS NOT NULL OR NEW.withdrawn_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.clinic_id IS NOT OLD.clinic_id OR NEW.client_id IS NOT OLD.client_id
  OR NEW.document_id IS NOT OLD.document_id OR NEW.version IS NOT OLD.version
  OR NEW.typed_name IS NOT OLD.typed_name OR NEW.agreed IS NOT OLD.agreed
  OR NEW.signed_at IS NOT OLD.signed_at OR NEW.ip IS NOT OLD.ip
BEGIN SELECT RAISE(ABORT, 'a consent signature cannot be changed, only withdrawn once'); END;
CREATE TRIGGER consent_signatures_no_delete BEFORE DELETE ON consent_signatures
BEGIN SELECT RAISE(ABORT, 'a consent signature cannot be deleted'); END;

-- Intentions are the client's own words; goals are agreed between client and
-- therapist, with an optional measurable target such as phq9<10.
CREATE TABLE goals (
    id                     TEXT PRIMARY KEY,
    clinic_id              TEXT NOT NULL REFERENCES clinics(id),
    client_id              TEXT NOT NULL REFERENCES clients(id),
    course_id              TEXT NOT NULL REFERENCES courses(id),
    kind                   TEXT NOT NULL CHECK (kind IN ('intention', 'goal')),
    text                   TEXT NOT NULL,
    measure                TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL DEFAULT 'active',
    created_by             TEXT NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    agreed_by_client_at    TIMESTAMP,
    agreed_by_therapist_at TIMESTAMP,
    agreed_by_therapist    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX goals_course ON goals (course_id, created_at);

-- One checklist per course, filled in by the client (CLINICAL.md §3).
CREATE TABLE prep_checklist (
    course_id          TEXT PRIMARY KEY REFERENCES courses(id),
    clinic_id          TEXT NOT NULL REFERENCES clinics(id),
    client_id          TEXT NOT NULL REFERENCES clients(id),
    fasting_understood INTEGER NOT NULL DEFAULT 0,
    no_substances      INTEGER NOT NULL DEFAULT 0,
    stimulants_paused  INTEGER NOT NULL DEFAULT 0,
    companion_name     TEXT NOT NULL DEFAULT '',
    companion_phone    TEXT NOT NULL DEFAULT '',
    room_ready         INTEGER NOT NULL DEFAULT 0,
    room_note          TEXT NOT NULL DEFAULT '',
    updated_by         TEXT NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- Preparation session notes. A note is signed when saved and never changes;
-- a correction is an addendum (addendum_to). A couple's joint session is a
-- note in each partner's course, each naming the other in joint_with.
CREATE TABLE prep_notes (
    id          TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    client_id   TEXT NOT NULL REFERENCES clients(id),
    course_id   TEXT NOT NULL REFERENCES courses(id),
    kind        TEXT NOT NULL CHECK (kind IN ('preparation')),
    occurred_at TIMESTAMP NOT NULL,
    body        TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES users(id),
    signed_at   TIMESTAMP NOT NULL,
    addendum_to TEXT REFERENCES prep_notes(id),
    joint_with  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX prep_notes_course ON prep_notes (course_id, occurred_at);

CREATE TRIGGER prep_notes_no_update BEFORE UPDATE ON prep_notes
BEGIN SELECT RAISE(ABORT, 'a signed note cannot be changed; add an addendum'); END;
CREATE TRIGGER prep_notes_no_delete BEFORE DELETE ON prep_notes
BEGIN SELECT RAISE(ABORT, 'a signed note cannot be deleted'); END;

-- A prescriber's written override of a failed gate. session_id is empty for
-- course gates; the medicine session's day-of overrides name their session.
CREATE TABLE gate_overrides (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    course_id  TEXT NOT NULL REFERENCES courses(id),
    session_id TEXT NOT NULL DEFAULT '',
    gate_id    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users(id),
    at         TIMESTAMP NOT NULL
);
CREATE INDEX gate_overrides_course ON gate_overrides (course_id, at);
