-- The day's weight (CLINICAL.md §2): taken at each medicine session before
-- the dose, so the dose can be worked out from it. It is kept apart from the
-- dose's own weight_tenths_kg: the clinician may still change the weight on
-- the dose form, and the dose keeps the weight it was worked out from. The store
-- records it only while the pre-dose checks are under way (a second weighing
-- then replaces the first); the lock of 0007 covers these columns as it
-- covers the rest of the record.

ALTER TABLE medicine_sessions ADD COLUMN weight_taken_tenths_kg INTEGER;
ALTER TABLE medicine_sessions ADD COLUMN weight_taken_at TIMESTAMP;
ALTER TABLE medicine_sessions ADD COLUMN weight_taken_by TEXT NOT NULL DEFAULT '';
