-- Medicine sessions, part 2: the record of each session. Column for column
-- the same as the SQLite migration; see it for the reasoning.
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
    started_at            TIMESTAMPTZ NOT NULL,
    -- The pre-dose checklist. NULL in a yes/no column means "not asked yet".
    companion_name        TEXT NOT NULL DEFAULT '',
    companion_phone       TEXT NOT NULL DEFAULT '',
    ride_confirmed        INTEGER NOT NULL DEFAULT 0,
    last_food_at          TIMESTAMPTZ,
    no_substances         INTEGER,
    stimulants_paused     INTEGER,
    medications_reviewed  INTEGER NOT NULL DEFAULT 0,
    intention             TEXT NOT NULL DEFAULT '',
    checklist_by          TEXT NOT NULL DEFAULT '',
    checklist_at          TIMESTAMPTZ,
    -- The dose, in the session package's fixed-point units.
    weight_tenths_kg      INTEGER,
    route                 TEXT NOT NULL DEFAULT '',
    dose_mg_tenths        INTEGER,
    dose_per_kg_hundredths INTEGER,
    dose_units            INTEGER,
    lot_number            TEXT NOT NULL DEFAULT '',
    given_by              TEXT NOT NULL DEFAULT '',
    given_at              TIMESTAMPTZ,
    order_id              TEXT REFERENCES dosing_orders(id),
    order_version         INTEGER,
    dose_recorded_by      TEXT NOT NULL DEFAULT '',
    -- A prescriber's confirmation of a dose outside the usual range.
    dose_confirm_mg_tenths INTEGER,
    dose_confirm_reason   TEXT NOT NULL DEFAULT '',
    dose_confirm_by       TEXT NOT NULL DEFAULT '',
    dose_confirm_at       TIMESTAMPTZ,
    -- The setting.
    setting_music         INTEGER NOT NULL DEFAULT 0,
    setting_eye_mask      INTEGER NOT NULL DEFAULT 0,
    setting_other         TEXT NOT NULL DEFAULT '',
    -- Discharge.
    discharged_at         TIMESTAMPTZ,
    released_to           TEXT NOT NULL DEFAULT '',
    alert_oriented        INTEGER NOT NULL DEFAULT 0,
    discharged_by         TEXT NOT NULL DEFAULT '',
    -- Signature and lock.
    signed_by             TEXT NOT NULL DEFAULT '',
    signed_at             TIMESTAMPTZ,
    locked_at             TIMESTAMPTZ,
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
    taken_at      TIMESTAMPTZ NOT NULL,
    pre_dose      INTEGER NOT NULL DEFAULT 0,
    systolic      INTEGER,
    diastolic     INTEGER,
    heart_rate    INTEGER,
    spo2          INTEGER,
    sedation      INTEGER,
    entered_by    TEXT NOT NULL REFERENCES users(id),
    entered_at    TIMESTAMPTZ NOT NULL,
    struck_at     TIMESTAMPTZ,
    struck_by     TEXT NOT NULL DEFAULT '',
    struck_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX medicine_session_vitals_session ON medicine_session_vitals (session_id, taken_at);

CREATE TABLE medicine_session_observations (
    id           TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    observed_at  TIMESTAMPTZ NOT NULL,
    sedation     INTEGER,
    dissociation TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    entered_by   TEXT NOT NULL REFERENCES users(id),
    entered_at   TIMESTAMPTZ NOT NULL
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
    at         TIMESTAMPTZ NOT NULL,
    UNIQUE (session_id, alert_key)
);

CREATE TABLE medicine_session_adverse_events (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    occurred_at TIMESTAMPTZ NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    action      TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '',
    entered_by  TEXT NOT NULL REFERENCES users(id),
    entered_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX medicine_session_adverse_events_session ON medicine_session_adverse_events (session_id, occurred_at);

CREATE TABLE medicine_session_addenda (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES medicine_sessions(id),
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    body       TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users(id),
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX medicine_session_addenda_session ON medicine_session_addenda (session_id, at);

-- The lock, held by the database: see the SQLite migration for each rule.
CREATE FUNCTION medicine_session_is_locked(sid TEXT) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM medicine_sessions WHERE id = sid AND locked_at IS NOT NULL)
$$;

CREATE FUNCTION medicine_sessions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a medicine session record cannot be deleted';
    END IF;
    IF OLD.locked_at IS NOT NULL THEN
        RAISE EXCEPTION 'a signed medicine session record cannot be changed; add an addendum';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER medicine_sessions_locked BEFORE UPDATE OR DELETE ON medicine_sessions
    FOR EACH ROW EXECUTE FUNCTION medicine_sessions_guard();

-- Rows that belong to a record: none added, changed or removed once it is
-- locked. TG_ARGV[0] says which changes are never allowed, even before.
CREATE FUNCTION medicine_session_part_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sid TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        sid := NEW.session_id;
    ELSE
        sid := OLD.session_id;
    END IF;
    IF medicine_session_is_locked(sid) THEN
        RAISE EXCEPTION 'a signed medicine session record cannot be changed; add an addendum';
    END IF;
    IF TG_OP = 'DELETE' AND TG_ARGV[0] <> 'deletable' THEN
        RAISE EXCEPTION 'a medicine session record keeps every entry; nothing can be deleted';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF TG_ARGV[0] = 'strike' THEN
            IF OLD.struck_at IS NOT NULL OR NEW.struck_at IS NULL
               OR NEW.id IS DISTINCT FROM OLD.id OR NEW.session_id IS DISTINCT FROM OLD.session_id
               OR NEW.clinic_id IS DISTINCT FROM OLD.clinic_id OR NEW.taken_at IS DISTINCT FROM OLD.taken_at
               OR NEW.pre_dose IS DISTINCT FROM OLD.pre_dose OR NEW.systolic IS DISTINCT FROM OLD.systolic
               OR NEW.diastolic IS DISTINCT FROM OLD.diastolic OR NEW.heart_rate IS DISTINCT FROM OLD.heart_rate
               OR NEW.spo2 IS DISTINCT FROM OLD.spo2 OR NEW.sedation IS DISTINCT FROM OLD.sedation
               OR NEW.entered_by IS DISTINCT FROM OLD.entered_by OR NEW.entered_at IS DISTINCT FROM OLD.entered_at THEN
                RAISE EXCEPTION 'a reading can only be struck through once, before the record is signed';
            END IF;
        ELSIF TG_ARGV[0] = 'outcome' THEN
            IF NEW.id IS DISTINCT FROM OLD.id OR NEW.session_id IS DISTINCT FROM OLD.session_id
               OR NEW.clinic_id IS DISTINCT FROM OLD.clinic_id OR NEW.occurred_at IS DISTINCT FROM OLD.occurred_at
               OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.description IS DISTINCT FROM OLD.description
               OR NEW.severity IS DISTINCT FROM OLD.severity OR NEW.action IS DISTINCT FROM OLD.action
               OR NEW.entered_by IS DISTINCT FROM OLD.entered_by OR NEW.entered_at IS DISTINCT FROM OLD.entered_at THEN
                RAISE EXCEPTION 'only the outcome of an adverse event can be filled in, before the record is signed';
            END IF;
        ELSE
            RAISE EXCEPTION 'this part of a medicine session record cannot be changed';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER medicine_session_staff_locked BEFORE INSERT OR UPDATE OR DELETE ON medicine_session_staff
    FOR EACH ROW EXECUTE FUNCTION medicine_session_part_guard('deletable');
CREATE TRIGGER medicine_session_vitals_locked BEFORE INSERT OR UPDATE OR DELETE ON medicine_session_vitals
    FOR EACH ROW EXECUTE FUNCTION medicine_session_part_guard('strike');
CREATE TRIGGER medicine_session_observations_locked BEFORE INSERT OR UPDATE OR DELETE ON medicine_session_observations
    FOR EACH ROW EXECUTE FUNCTION medicine_session_part_guard('fixed');
CREATE TRIGGER medicine_session_alert_acks_locked BEFORE INSERT OR UPDATE OR DELETE ON medicine_session_alert_acks
    FOR EACH ROW EXECUTE FUNCTION medicine_session_part_guard('fixed');
CREATE TRIGGER medicine_session_adverse_events_locked BEFORE INSERT OR UPDATE OR DELETE ON medicine_session_adverse_events
    FOR EACH ROW EXECUTE FUNCTION medicine_session_part_guard('outcome');

-- Addenda are added after the lock, so they have a guard of their own.
CREATE TRIGGER medicine_session_addenda_immutable BEFORE UPDATE OR DELETE ON medicine_session_addenda
    FOR EACH ROW EXECUTE FUNCTION doorway_refuse_change('an addendum cannot be changed or deleted; add another');

CREATE FUNCTION gate_overrides_session_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.session_id <> '' AND medicine_session_is_locked(NEW.session_id) THEN
        RAISE EXCEPTION 'a signed medicine session record cannot be changed; add an addendum';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER gate_overrides_session_locked BEFORE INSERT ON gate_overrides
    FOR EACH ROW EXECUTE FUNCTION gate_overrides_session_guard();
