-- Consent is withdrawn as a whole, and one version is signed once
-- (CLINICAL.md §3).
--
-- A withdrawal voids every signature of the document, of any version, made
-- up to it. Before, only the signature the client pressed "withdraw" on was
-- marked, so a twin from a double submit went on counting; the gates read
-- it as void already, and here the rows say so too: each such signature is
-- marked withdrawn at the first withdrawal that voided it (the reason is
-- sealed to the row it was given on, so it stays there).
--
-- A version is signed once: a unique index over the signatures that count
-- refuses a second one, also from a second server at the same moment. A
-- double submit made before this holds two rows; the later is marked a
-- duplicate of the first (duplicate_of), which leaves the consent as given
-- and lets the index hold from here on. Nothing is deleted.

ALTER TABLE consent_signatures ADD COLUMN duplicate_of TEXT NOT NULL DEFAULT '';

DROP TRIGGER consent_signatures_immutable;

UPDATE consent_signatures SET withdrawn_at = (
    SELECT MIN(w.withdrawn_at) FROM consent_signatures w
    JOIN consent_documents wd ON wd.id = w.document_id
    JOIN consent_documents sd ON sd.id = consent_signatures.document_id
    WHERE w.clinic_id = consent_signatures.clinic_id AND w.client_id = consent_signatures.client_id
      AND wd.kind = sd.kind AND w.withdrawn_at IS NOT NULL AND w.withdrawn_at >= consent_signatures.signed_at)
WHERE withdrawn_at IS NULL AND EXISTS (
    SELECT 1 FROM consent_signatures w
    JOIN consent_documents wd ON wd.id = w.document_id
    JOIN consent_documents sd ON sd.id = consent_signatures.document_id
    WHERE w.clinic_id = consent_signatures.clinic_id AND w.client_id = consent_signatures.client_id
      AND wd.kind = sd.kind AND w.withdrawn_at IS NOT NULL AND w.withdrawn_at >= consent_signatures.signed_at);

UPDATE consent_signatures SET duplicate_of = (
    SELECT f.id FROM consent_signatures f
    WHERE f.client_id = consent_signatures.client_id AND f.document_id = consent_signatures.document_id
      AND f.withdrawn_at IS NULL
      AND (f.signed_at < consent_signatures.signed_at OR (f.signed_at = consent_signatures.signed_at AND f.id < consent_signatures.id))
    ORDER BY f.signed_at, f.id LIMIT 1)
WHERE withdrawn_at IS NULL AND EXISTS (
    SELECT 1 FROM consent_signatures f
    WHERE f.client_id = consent_signatures.client_id AND f.document_id = consent_signatures.document_id
      AND f.withdrawn_at IS NULL
      AND (f.signed_at < consent_signatures.signed_at OR (f.signed_at = consent_signatures.signed_at AND f.id < consent_signatures.id)));

CREATE UNIQUE INDEX consent_signatures_once ON consent_signatures (client_id, document_id, version)
    WHERE withdrawn_at IS NULL AND duplicate_of = '';

-- The only change a signature allows: withdrawn_at (and its reason) set once.
CREATE TRIGGER consent_signatures_immutable BEFORE UPDATE ON consent_signatures
WHEN OLD.withdrawn_at IS NOT NULL OR NEW.withdrawn_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.clinic_id IS NOT OLD.clinic_id OR NEW.client_id IS NOT OLD.client_id
  OR NEW.document_id IS NOT OLD.document_id OR NEW.version IS NOT OLD.version
  OR NEW.typed_name IS NOT OLD.typed_name OR NEW.agreed IS NOT OLD.agreed
  OR NEW.signed_at IS NOT OLD.signed_at OR NEW.ip IS NOT OLD.ip OR NEW.duplicate_of IS NOT OLD.duplicate_of
BEGIN SELECT RAISE(ABORT, 'a consent signature cannot be changed, only withdrawn once'); END;
