-- Medicine sessions, part 1: rooms, the calendar of appointments, and the
-- prescriber's dosing order.
--
-- An appointment's clients live in appointment_clients, not in a column of
-- appointments: a couple's joint session has two clients, each with their own
-- course, so the course belongs to the (appointment, client) pair. A single
-- client's session simply has one row there.
--
-- Clash checks (no room or clinician booked twice at once) are made in the
-- booking transaction, under a per-clinic lock on PostgreSQL (schedule.go).

CREATE TABLE rooms (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    name       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (clinic_id, name)
);

CREATE TABLE appointments (
    id               TEXT PRIMARY KEY,
    clinic_id        TEXT NOT NULL REFERENCES clinics(id),
    kind             TEXT NOT NULL CHECK (kind IN ('preparation', 'medicine', 'integration')),
    starts_at        TIMESTAMPTZ NOT NULL,
    ends_at          TIMESTAMPTZ NOT NULL,
    room_id          TEXT REFERENCES rooms(id),
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'completed')),
    notes_for_client TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    cancelled_at     TIMESTAMPTZ,
    cancelled_by     TEXT NOT NULL DEFAULT '',
    cancel_reason    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointments_clinic_time ON appointments (clinic_id, starts_at);
CREATE INDEX appointments_room_time ON appointments (room_id, starts_at);

CREATE TABLE appointment_clients (
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    client_id      TEXT NOT NULL REFERENCES clients(id),
    course_id      TEXT REFERENCES courses(id),
    PRIMARY KEY (appointment_id, client_id)
);
CREATE INDEX appointment_clients_client ON appointment_clients (client_id);

CREATE TABLE appointment_staff (
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    user_id        TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (appointment_id, user_id)
);
CREATE INDEX appointment_staff_user ON appointment_staff (user_id);

-- A dosing order is never edited: a change inserts the next version and
-- stamps the previous one superseded, so every version stays readable.
CREATE TABLE dosing_orders (
    id                   TEXT PRIMARY KEY,
    clinic_id            TEXT NOT NULL REFERENCES clinics(id),
    client_id            TEXT NOT NULL REFERENCES clients(id),
    course_id            TEXT NOT NULL REFERENCES courses(id),
    version              INTEGER NOT NULL,
    route                TEXT NOT NULL,
    mg_tenths            INTEGER,
    mg_per_kg_hundredths INTEGER,
    max_mg_tenths        INTEGER NOT NULL,
    over_minutes         INTEGER,
    notes                TEXT NOT NULL DEFAULT '',
    written_by           TEXT NOT NULL REFERENCES users(id),
    written_at           TIMESTAMPTZ NOT NULL,
    superseded_at        TIMESTAMPTZ,
    UNIQUE (course_id, version)
);
CREATE INDEX dosing_orders_client ON dosing_orders (client_id, written_at);
