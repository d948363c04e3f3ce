-- Sealed text (SECURITY.md, "Data at rest"): from this migration on, a
-- safety flag's reason, the screening rules that fired, an alert's message,
-- the companion's name and phone (preparation and the day), the room note,
-- the lot, the setting's note, who the client left with, and an inquiry's
-- name, address, phone and close reason are written sealed. The columns
-- keep their type; values written before are sealed in place at start-up
-- (store.SealClearText) where the row may change, and read in both forms
-- (store.openOrClear).

-- Break-glass access (SECURITY.md, "Access control"): a clinician not on a
-- client's care team opens the record in an emergency, with a written
-- reason (sealed), until expires_at. The grant reads like care-team
-- membership (access.Allow) and never writes. It stays on the admins'
-- review page until one of them marks it reviewed.
CREATE TABLE break_glass (
    id          TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    client_id   TEXT NOT NULL REFERENCES clients(id),
    reason      TEXT NOT NULL,
    opened_at   TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    reviewed_at TIMESTAMP,
    reviewed_by TEXT REFERENCES users(id),
    CHECK (expires_at > opened_at)
);
-- The access decision's question: this user's grants for this client.
CREATE INDEX break_glass_user_client ON break_glass (user_id, client_id, expires_at);
-- The review page and the client's own accounting.
CREATE INDEX break_glass_clinic ON break_glass (clinic_id, opened_at);
CREATE INDEX break_glass_client ON break_glass (client_id, opened_at);
