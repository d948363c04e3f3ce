-- Measurement-based care: courses (minimal; the preparation issue extends
-- them), instrument assignments and responses, safety flags, and per-clinic
-- settings. Scores are stored as computed at submit time from the answers;
-- the answers are kept so a score can always be recomputed and checked.

CREATE TABLE courses (
    id             TEXT PRIMARY KEY,
    clinic_id      TEXT NOT NULL REFERENCES clinics(id),
    client_id      TEXT NOT NULL REFERENCES clients(id),
    state          TEXT NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    planned_end_at TIMESTAMPTZ,
    ended_at       TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX courses_client ON courses (client_id, started_at);

CREATE TABLE instrument_assignments (
    id            TEXT PRIMARY KEY,
    clinic_id     TEXT NOT NULL REFERENCES clinics(id),
    client_id     TEXT NOT NULL REFERENCES clients(id),
    course_id     TEXT REFERENCES courses(id),
    instrument_id TEXT NOT NULL,
    occasion      TEXT NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    assigned_by   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    completed_at  TIMESTAMPTZ
);
CREATE INDEX instrument_assignments_client ON instrument_assignments (client_id, completed_at);

CREATE TABLE instrument_responses (
    id               TEXT PRIMARY KEY,
    assignment_id    TEXT NOT NULL UNIQUE REFERENCES instrument_assignments(id),
    clinic_id        TEXT NOT NULL REFERENCES clinics(id),
    client_id        TEXT NOT NULL REFERENCES clients(id),
    course_id        TEXT REFERENCES courses(id),
    instrument_id    TEXT NOT NULL,
    answers          TEXT NOT NULL,
    total            INTEGER NOT NULL DEFAULT 0,
    has_total        INTEGER NOT NULL DEFAULT 0,
    band_key         TEXT NOT NULL DEFAULT '',
    tier             TEXT NOT NULL DEFAULT '',
    entered_by       TEXT NOT NULL,
    entered_on_paper INTEGER NOT NULL DEFAULT 0,
    completed_at     TIMESTAMPTZ NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX instrument_responses_client ON instrument_responses (client_id, instrument_id, completed_at);
CREATE INDEX instrument_responses_clinic ON instrument_responses (clinic_id, instrument_id);

CREATE TABLE safety_flags (
    id              TEXT PRIMARY KEY,
    clinic_id       TEXT NOT NULL REFERENCES clinics(id),
    client_id       TEXT NOT NULL REFERENCES clients(id),
    response_id     TEXT NOT NULL REFERENCES instrument_responses(id),
    instrument_id   TEXT NOT NULL,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    raised_at       TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by TEXT NOT NULL DEFAULT '',
    ack_note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX safety_flags_open ON safety_flags (clinic_id, acknowledged_at);
CREATE INDEX safety_flags_client ON safety_flags (client_id, raised_at);

CREATE TABLE clinic_settings (
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (clinic_id, key)
);
