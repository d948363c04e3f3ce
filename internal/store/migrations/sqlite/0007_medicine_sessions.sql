-- Medicine sessions, part 2: the record of each session (DESIGN.md §3,
-- CLINICAL.md §3).
--
-- One record per (appointment, client): a couple's joint session has one
-- record per partner, each with their own checks, dose and vitals.
--
-- The record moves checklist -> dosed -> discharged, or ends held (pre-dose
-- blood pressure above the hold line) or stopped (with a reason). It is then
-- signed, which locks it. From the lock on, the database itself refuses any
-- change to the record and to every row that belongs to it; corrections are
-- addenda, which can only be added. Nothing of a record is ever deleted: a
-- reading entered in error is struck through with a reason, and kept.
--
-- Free text (the intention, notes, reasons, adverse-event descriptions) is
-- sealed by the store, bound to its table, column and row.

CREATE TABLE medicine_sessions (
    id                    TEXT PRIMARY KEY,
    clinic_id             TEXT NOT NULL REFERENCES clinics(id),
    appointment_id        TEXT NOT NULL REFERENCES appointments(id),
    client_id             TEXT NOT NULL REFERENCES clients(id),
    course_id             TEXT NOT NULL REFERENCES courses(id),
    state                 TEXT NOT NULL CHECK (state IN ('checklist', 'dosed', 'discharged', 'held', 'stopped')),
    state_reason          TEXT NOT NULL DEFAULT '',
    started_by            TEXT NOT NULL REFERENCES users(id),
    started_at            TIMESTAMP NOT NULL,
    -- The pre-dose checklist. NULL in a yes/no column means "not asked yet".
    companion_name        TEXT NOT NULL DEFAULT '',
    companion_phone       TEXT NOT NULL DEFAULT '',
    ride_confirmed        INTEGER NOT NULL DEFAULT 0,
    last_food_at          TIMESTAMP,
    no_substances         INTEGER,
    stimulants_paused     INTEGER,
    medications_reviewed  INTEGER NOT NULL DEFAULT 0,
    intention             TEXT NOT NULL DEFAULT '',
    checklist_by          TEXT NOT NULL DEFAULT '',
    checklist_at          TIMESTAMP,
    -- The dose, in the session package's fixed-point units.
    weight_tenths_kg      INTEGER,
    route                 TEXT NOT NULL DEFAULT '',
    dose_mg_tenths        INTEGER,
    dose_per_kg_hundredths INTEGER,
    dose_units            INTEGER,
    lot_number            TEXT NOT NULL DEFAULT '',
    given_by              TEXT NOT NULL DEFAULT '',
    given_at              TIMESTAMP,
    order_id              TEXT REFERENCES dosing_orders(id),
    order_version         INTEGER,
    dose_recorded_by      TEXT NOT NULL DEFAULT '',
    -- A prescriber's confirmation of a dose outside the usual range.
    dose_confirm_mg_tenths INTEGER,
    dose_confirm_reason   TEXT NOT NULL DEFAULT '',
    dose_confirm_by       TEXT NOT NULL DEFAULT '',
    dose_confirm_at       TIMESTAMP,
    -- The setting.
    setting_music         INTEGER NOT NULL DEFAULT 0,
    setting_eye_mask      INTEGER NOT NULL DEFAULT 0,
    setting_other         TEXT NOT NULL DEFAULT '',
    -- Discharge.
    discharged_at         TIMESTAMP,
    released_to           TEXT NOT NULL DEFAULT '',
    alert_oriented        INTEGER NOT NULL DEFAULT 0,
    discharged_by         TEXT NOT NULL DEFAULT '',
    -- Signature and lock.
    signed_by             TEXT NOT NULL DEFAULT '',
    signed_at             TIMESTAMP,
    locked_at             TIMESTAMP,
    UNIQUE (appointment_id, client_id)
);
CREATE INDEX medicine_sessions_client ON medicine_sessions (client_id, started_at);
CREATE INDEX medicine_sessions_course ON medicine_sessions (course_id, started_at);

CREATE TABLE medicine_session_staff (
    session_id TEXT NOT NULL REFERENCES medicine_sessions(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE medicine_session_vitals (
    id            TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id     TEXT NOT NULL REFERENCES clinics(id),
    taken_at      TIMESTAMP NOT NULL,
    pre_dose      INTEGER NOT NULL DEFAULT 0,
    systolic      INTEGER,
    diastolic     INTEGER,
    heart_rate    INTEGER,
    spo2          INTEGER,
    sedation      INTEGER,
    entered_by    TEXT NOT NULL REFERENCES users(id),
    entered_at    TIMESTAMP NOT NULL,
    struck_at     TIMESTAMP,
    struck_by     TEXT NOT NULL DEFAULT '',
    struck_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX medicine_session_vitals_session ON medicine_session_vitals (session_id, taken_at);

CREATE TABLE medicine_session_observations (
    id           TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    observed_at  TIMESTAMP NOT NULL,
    sedation     INTEGER,
    dissociation TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    entered_by   TEXT NOT NULL REFERENCES users(id),
    entered_at   TIMESTAMP NOT NULL
);
CREATE INDEX medicine_session_observations_session ON medicine_session_observations (session_id, observed_at);

-- An alert is evaluated from the vitals every time; what is stored is its
-- acknowledgement, by the alert's key, with the message as it read then.
CREATE TABLE medicine_session_alert_acks (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    alert_key  TEXT NOT NULL,
    message    TEXT NOT NULL,
    note       TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users(id),
    at         TIMESTAMP NOT NULL,
    UNIQUE (session_id, alert_key)
);

CREATE TABLE medicine_session_adverse_events (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    occurred_at TIMESTAMP NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    action      TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '',
    entered_by  TEXT NOT NULL REFERENCES users(id),
    entered_at  TIMESTAMP NOT NULL
);
CREATE INDEX medicine_session_adverse_events_session ON medicine_session_adverse_events (session_id, occurred_at);

CREATE TABLE medicine_session_addenda (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    body       TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users(id),
    at         TIMESTAMP NOT NULL
);
CREATE INDEX medicine_session_addenda_session ON medicine_session_addenda (session_id, at);

-- The lock, held by the database. A record is never deleted; once locked it
-- never changes.
CREATE TRIGGER medicine_sessions_locked BEFORE UPDATE ON medicine_sessions
WHEN OLD.locked_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
CREATE TRIGGER medicine_sessions_no_delete BEFORE DELETE ON medicine_sessions
BEGIN SELECT RAISE(ABORT, 'a medicine session record cannot be deleted'); END;

CREATE TRIGGER medicine_session_staff_locked_insert BEFORE INSERT ON medicine_session_staff
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
CREATE TRIGGER medicine_session_staff_locked_delete BEFORE DELETE ON medicine_session_staff
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
CREATE TRIGGER medicine_session_staff_no_update BEFORE UPDATE ON medicine_session_staff
BEGIN SELECT RAISE(ABORT, 'staff present are replaced, not edited'); END;

-- A reading may only be struck through, once, before the lock; nothing else
-- about it ever changes.
CREATE TRIGGER medicine_session_vitals_locked_insert BEFORE INSERT ON medicine_session_vitals
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
CREATE TRIGGER medicine_session_vitals_strike_only BEFORE UPDATE ON medicine_session_vitals
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = OLD.session_id) IS NOT NULL
  OR OLD.struck_at IS NOT NULL OR NEW.struck_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.session_id IS NOT OLD.session_id OR NEW.clinic_id IS NOT OLD.clinic_id
  OR NEW.taken_at IS NOT OLD.taken_at OR NEW.pre_dose IS NOT OLD.pre_dose
  OR NEW.systolic IS NOT OLD.systolic OR NEW.diastolic IS NOT OLD.diastolic
  OR NEW.heart_rate IS NOT OLD.heart_rate OR NEW.spo2 IS NOT OLD.spo2 OR NEW.sedation IS NOT OLD.sedation
  OR NEW.entered_by IS NOT OLD.entered_by OR NEW.entered_at IS NOT OLD.entered_at
BEGIN SELECT RAISE(ABORT, 'a reading can only be struck through once, before the record is signed'); END;
CREATE TRIGGER medicine_session_vitals_no_delete BEFORE DELETE ON medicine_session_vitals
BEGIN SELECT RAISE(ABORT, 'a reading cannot be deleted; strike it through with a reason'); END;

CREATE TRIGGER medicine_session_observations_locked_insert BEFORE INSERT ON medicine_session_observations
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
CREATE TRIGGER medicine_session_observations_no_update BEFORE UPDATE ON medicine_session_observations
BEGIN SELECT RAISE(ABORT, 'an observation cannot be changed'); END;
CREATE TRIGGER medicine_session_observations_no_delete BEFORE DELETE ON medicine_session_observations
BEGIN SELECT RAISE(ABORT, 'an observation cannot be deleted'); END;

CREATE TRIGGER medicine_session_alert_acks_locked_insert BEFORE INSERT ON medicine_session_alert_acks
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
CREATE TRIGGER medicine_session_alert_acks_no_update BEFORE UPDATE ON medicine_session_alert_acks
BEGIN SELECT RAISE(ABORT, 'an acknowledgement cannot be changed'); END;
CREATE TRIGGER medicine_session_alert_acks_no_delete BEFORE DELETE ON medicine_session_alert_acks
BEGIN SELECT RAISE(ABORT, 'an acknowledgement cannot be deleted'); END;

-- An adverse event's outcome may be filled in once known, before the lock.
CREATE TRIGGER medicine_session_adverse_events_locked_insert BEFORE INSERT ON medicine_session_adverse_events
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
CREATE TRIGGER medicine_session_adverse_events_outcome_only BEFORE UPDATE ON medicine_session_adverse_events
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = OLD.session_id) IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.session_id IS NOT OLD.session_id OR NEW.clinic_id IS NOT OLD.clinic_id
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.kind IS NOT OLD.kind OR NEW.description IS NOT OLD.description
  OR NEW.severity IS NOT OLD.severity OR NEW.action IS NOT OLD.action
  OR NEW.entered_by IS NOT OLD.entered_by OR NEW.entered_at IS NOT OLD.entered_at
BEGIN SELECT RAISE(ABORT, 'only the outcome of an adverse event can be filled in, before the record is signed'); END;
CREATE TRIGGER medicine_session_adverse_events_no_delete BEFORE DELETE ON medicine_session_adverse_events
BEGIN SELECT RAISE(ABORT, 'an adverse event cannot be deleted'); END;

CREATE TRIGGER medicine_session_addenda_no_update BEFORE UPDATE ON medicine_session_addenda
BEGIN SELECT RAISE(ABORT, 'an addendum cannot be changed; add another'); END;
CREATE TRIGGER medicine_session_addenda_no_delete BEFORE DELETE ON medicine_session_addenda
BEGIN SELECT RAISE(ABORT, 'an addendum cannot be deleted'); END;

-- A prescriber's override of a gate for one session (gate_overrides.session_id
-- names the record) is part of that record, so it too stops at the lock.
CREATE TRIGGER gate_overrides_session_locked BEFORE INSERT ON gate_overrides
WHEN NEW.session_id <> '' AND (SELECT locked_at FROM medicine_sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed medicine session record cannot be changed; add an addendum'); END;
