-- The pages read a client's rows with both the clinic and the client in the
-- condition. An index led by the client alone let SQLite, which plans
-- without statistics, prefer the clinic's index and walk every row of the
-- clinic for one client; led by both, the client's own index is the plain
-- choice on either engine.
DROP INDEX instrument_responses_client;
CREATE INDEX instrument_responses_client ON instrument_responses (clinic_id, client_id, instrument_id, completed_at);
DROP INDEX instrument_assignments_client;
CREATE INDEX instrument_assignments_client ON instrument_assignments (clinic_id, client_id, completed_at);

-- The sessions under way in a clinic (the caseload's and the schedule's
-- "now" line) without reading every session ever held. Partial, so that it
-- holds only the few sessions under way and no read of sessions by their
-- appointment is tempted to walk it instead.
CREATE INDEX medicine_sessions_under_way ON medicine_sessions (clinic_id, started_at) WHERE state IN ('checklist', 'dosed');

-- The consent page counts the signatures of each document.
CREATE INDEX consent_signatures_document ON consent_signatures (clinic_id, document_id);

-- The clinic's client list in the order it is shown (names compared
-- lower-cased), so a page of it is read from the index, not sorted whole.
DROP INDEX clients_clinic;
CREATE INDEX clients_clinic ON clients (clinic_id, LOWER(family_name), LOWER(given_name), id);

-- A client's goals over all their courses (the record they take away).
CREATE INDEX goals_client ON goals (clinic_id, client_id, created_at);

-- A client's preparation and integration notes over all their courses (the
-- record they take away, the FHIR DocumentReference search).
CREATE INDEX prep_notes_client ON prep_notes (clinic_id, client_id, occurred_at);
CREATE INDEX integration_notes_client ON integration_notes (clinic_id, client_id, occurred_at);

-- The staff of a clinic, without walking its clients' portal accounts.
DROP INDEX users_clinic;
CREATE INDEX users_clinic ON users (clinic_id, kind, name);
