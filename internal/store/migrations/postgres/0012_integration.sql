-- Integration (DESIGN.md §3, CLINICAL.md §7): the client's journal, its
-- drafts, the practices they log, their answers to the Reflection Workbook;
-- the care team's integration notes and psychotherapy notes; and each
-- clinic's own copy of the article series.
--
-- Everything a client writes is theirs: sealed at rest, bound to its row,
-- and seen by the care team only while the client shares it (shared_at set).

CREATE TABLE journal_entries (
    id          TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    client_id   TEXT NOT NULL REFERENCES clients(id),
    -- prompt_key names the prompts the entry answers, such as
    -- "<medicine session id>:24h"; empty for a free entry.
    prompt_key  TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    shared_at   TIMESTAMPTZ
);
CREATE INDEX journal_entries_client ON journal_entries (client_id, created_at);

-- One draft per client and place (a new entry, an entry being edited, a
-- prompt): what the portal saves as the client types, so a dropped
-- connection or a sign-out loses nothing.
CREATE TABLE journal_drafts (
    client_id  TEXT NOT NULL REFERENCES clients(id),
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    draft_key  TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_id, draft_key)
);

CREATE TABLE practice_logs (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    kind       TEXT NOT NULL,
    done_on    TEXT NOT NULL, -- a day of the clinic's calendar, YYYY-MM-DD
    minutes    INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX practice_logs_client ON practice_logs (client_id, done_on);

-- What a client shares as a whole rather than entry by entry.
CREATE TABLE client_sharing (
    client_id  TEXT PRIMARY KEY REFERENCES clients(id),
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    practices  INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE workbook_answers (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    prompt_id  TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    shared_at  TIMESTAMPTZ,
    UNIQUE (client_id, prompt_id)
);

-- An integration session's note, from a SOAP or DAP template, linked to the
-- medicine session it integrates; signed when saved and then locked, with
-- addenda for corrections, as preparation notes are.
CREATE TABLE integration_notes (
    id                  TEXT PRIMARY KEY,
    clinic_id           TEXT NOT NULL REFERENCES clinics(id),
    client_id           TEXT NOT NULL REFERENCES clients(id),
    course_id           TEXT NOT NULL REFERENCES courses(id),
    medicine_session_id TEXT NOT NULL DEFAULT '',
    template            TEXT NOT NULL CHECK (template IN ('soap', 'dap', 'addendum')),
    occurred_at         TIMESTAMPTZ NOT NULL,
    body                TEXT NOT NULL,
    author_id           TEXT NOT NULL REFERENCES users(id),
    signed_at           TIMESTAMPTZ NOT NULL,
    addendum_to         TEXT REFERENCES integration_notes(id),
    joint_with          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX integration_notes_course ON integration_notes (course_id, occurred_at);
CREATE TRIGGER integration_notes_immutable BEFORE UPDATE OR DELETE ON integration_notes
    FOR EACH ROW EXECUTE FUNCTION doorway_refuse_change('a signed note cannot be changed; add an addendum');

-- A therapist's psychotherapy notes (HIPAA's process notes): a separate
-- record that only its author reads. Never in the client's export, FHIR, a
-- report or an admin's view.
CREATE TABLE psychotherapy_notes (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    author_id  TEXT NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX psychotherapy_notes_author ON psychotherapy_notes (author_id, client_id, created_at);

-- A clinic's own copy of an article of the series: every save is a new
-- version; the newest is the one shown. hidden takes an article off the
-- public pages without losing its text.
CREATE TABLE article_versions (
    id          TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    slug        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (clinic_id, slug, version)
);
CREATE TRIGGER article_versions_immutable BEFORE UPDATE ON article_versions
    FOR EACH ROW EXECUTE FUNCTION doorway_refuse_change('a saved article version cannot be changed; save a new version');

CREATE TABLE article_visibility (
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    slug       TEXT NOT NULL,
    hidden     INTEGER NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (clinic_id, slug)
);
