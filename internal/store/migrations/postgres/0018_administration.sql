-- The dose as it is given and unusual readings confirmed: see the SQLite
-- migration.
ALTER TABLE medicine_sessions ADD COLUMN infusion_minutes INTEGER;
ALTER TABLE medicine_sessions ADD COLUMN administration_ended_at TIMESTAMPTZ;
ALTER TABLE medicine_sessions ADD COLUMN administration_ended_by TEXT NOT NULL DEFAULT '';

ALTER TABLE medicine_session_vitals ADD COLUMN confirmed_by TEXT NOT NULL DEFAULT '';

-- The guard of a record's parts, with confirmed_by among what a
-- strike-through never changes.
CREATE OR REPLACE FUNCTION medicine_session_part_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
               OR NEW.entered_by IS DISTINCT FROM OLD.entered_by OR NEW.entered_at IS DISTINCT FROM OLD.entered_at
               OR NEW.confirmed_by IS DISTINCT FROM OLD.confirmed_by THEN
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
