-- The clash checks of a booking (checkClashes in schedule.go).
--
-- A clinician's clashes are looked for among the clinic's appointments in
-- the hours around the new one. Indexed by (clinic_id, starts_at) alone,
-- each of those was read from the table for its end and its status, so
-- every booking read a row for each session the clinic held around then: a
-- clinic with twice the clinicians took twice as long to book each one.
-- Holding the end, the status and the id, the index answers by itself.
DROP INDEX appointments_clinic_time;
CREATE INDEX appointments_clinic_time ON appointments (clinic_id, starts_at, ends_at, status, id);

-- A client's clashes are looked for among the client's own appointments,
-- which are few; with the appointment's id beside the client's, the index
-- lists them without reading the table.
DROP INDEX appointment_clients_client;
CREATE INDEX appointment_clients_client ON appointment_clients (client_id, appointment_id);
