-- Consent is withdrawn as a whole, and one version is signed once
-- (CLINICAL.md §3). See the SQLite migration for each step.

ALTER TABLE consent_signatures ADD COLUMN duplicate_of TEXT NOT NULL DEFAULT '';

ALTER TABLE consent_signatures DISABLE TRIGGER consent_signatures_immutable;

UPDATE consent_signatures s SET withdrawn_at = (
    SELECT MIN(w.withdrawn_at) FROM consent_signatures w
    JOIN consent_documents wd ON wd.id = w.document_id
    JOIN consent_documents sd ON sd.id = s.document_id
    WHERE w.clinic_id = s.clinic_id AND w.client_id = s.client_id
      AND wd.kind = sd.kind AND w.withdrawn_at IS NOT NULL AND w.withdrawn_at >= s.signed_at)
WHERE s.withdrawn_at IS NULL AND EXISTS (
    SELECT 1 FROM consent_signatures w
    JOIN consent_documents wd ON wd.id = w.document_id
    JOIN consent_documents sd ON sd.id = s.document_id
    WHERE w.clinic_id = s.clinic_id AND w.client_id = s.client_id
      AND wd.kind = sd.kind AND w.withdrawn_at IS NOT NULL AND w.withdrawn_at >= s.signed_at);

UPDATE consent_signatures s SET duplicate_of = (
    SELECT f.id FROM consent_signatures f
    WHERE f.client_id = s.client_id AND f.document_id = s.document_id AND f.withdrawn_at IS NULL
      AND (f.signed_at < s.signed_at OR (f.signed_at = s.signed_at AND f.id < s.id))
    ORDER BY f.signed_at, f.id LIMIT 1)
WHERE s.withdrawn_at IS NULL AND EXISTS (
    SELECT 1 FROM consent_signatures f
    WHERE f.client_id = s.client_id AND f.document_id = s.document_id AND f.withdrawn_at IS NULL
      AND (f.signed_at < s.signed_at OR (f.signed_at = s.signed_at AND f.id < s.id)));

ALTER TABLE consent_signatures ENABLE TRIGGER consent_signatures_immutable;

CREATE UNIQUE INDEX consent_signatures_once ON consent_signatures (client_id, document_id, version)
    WHERE withdrawn_at IS NULL AND duplicate_of = '';

-- The only change a signature allows: withdrawn_at (and its reason) set once.
CREATE OR REPLACE FUNCTION consent_signature_withdraw_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a consent signature cannot be deleted';
    END IF;
    IF OLD.withdrawn_at IS NOT NULL OR NEW.withdrawn_at IS NULL
       OR NEW.id IS DISTINCT FROM OLD.id OR NEW.clinic_id IS DISTINCT FROM OLD.clinic_id
       OR NEW.client_id IS DISTINCT FROM OLD.client_id OR NEW.document_id IS DISTINCT FROM OLD.document_id
       OR NEW.version IS DISTINCT FROM OLD.version OR NEW.typed_name IS DISTINCT FROM OLD.typed_name
       OR NEW.agreed IS DISTINCT FROM OLD.agreed OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
       OR NEW.ip IS DISTINCT FROM OLD.ip OR NEW.duplicate_of IS DISTINCT FROM OLD.duplicate_of THEN
        RAISE EXCEPTION 'a consent signature cannot be changed, only withdrawn once';
    END IF;
    RETURN NEW;
END;
$$;
