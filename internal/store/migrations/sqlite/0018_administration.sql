-- The dose as it is given (CLINICAL.md §2, §3): how long an IV infusion is
-- set to run, which gives its rate in mg/kg/h, and when administration
-- ended (the end of an infusion, the last esketamine device, the lozenge
-- spat out), from which the minimum observation counts. The lock of 0007
-- covers these columns as it covers the rest of the record.
ALTER TABLE medicine_sessions ADD COLUMN infusion_minutes INTEGER;
ALTER TABLE medicine_sessions ADD COLUMN administration_ended_at TIMESTAMP;
ALTER TABLE medicine_sessions ADD COLUMN administration_ended_by TEXT NOT NULL DEFAULT '';

-- Any possible reading can be recorded; one far from usual only once the
-- person entering it confirms it (session.Vitals.Confirmed). The record
-- keeps who confirmed it, which a strike-through never changes.
ALTER TABLE medicine_session_vitals ADD COLUMN confirmed_by TEXT NOT NULL DEFAULT '';

DROP TRIGGER medicine_session_vitals_strike_only;
CREATE TRIGGER medicine_session_vitals_strike_only BEFORE UPDATE ON medicine_session_vitals
WHEN (SELECT locked_at FROM medicine_sessions WHERE id = OLD.session_id) IS NOT NULL
  OR OLD.struck_at IS NOT NULL OR NEW.struck_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.session_id IS NOT OLD.session_id OR NEW.clinic_id IS NOT OLD.clinic_id
  OR NEW.taken_at IS NOT OLD.taken_at OR NEW.pre_dose IS NOT OLD.pre_dose
  OR NEW.systolic IS NOT OLD.systolic OR NEW.diastolic IS NOT OLD.diastolic
  OR NEW.heart_rate IS NOT OLD.heart_rate OR NEW.spo2 IS NOT OLD.spo2 OR NEW.sedation IS NOT OLD.sedation
  OR NEW.entered_by IS NOT OLD.entered_by OR NEW.entered_at IS NOT OLD.entered_at
  OR NEW.confirmed_by IS NOT OLD.confirmed_by
BEGIN SELECT RAISE(ABORT, 'a reading can only be struck through once, before the record is signed'); END;
