-- Couples work (CLINICAL.md §5). A couple links two clients of one clinic;
-- each partner stays a client in their own right, with their own screening,
-- consent, dosing and vitals. The couple holds the two together, and a
-- shared reflection space that both partners read and write. Ending the
-- couple (either partner leaving couples work, or the clinic ending it)
-- keeps the row, with ended_at set: the shared space becomes read-only, and
-- neither partner sees anything new of the other afterwards.
CREATE TABLE couples (
    id          TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    -- client_a < client_b (by id), so one pair is one row whichever was
    -- named first.
    client_a    TEXT NOT NULL REFERENCES clients(id),
    client_b    TEXT NOT NULL REFERENCES clients(id),
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ,
    -- ended_by is the user who ended it (a partner leaving, or staff).
    ended_by    TEXT NOT NULL DEFAULT '',
    CHECK (client_a < client_b)
);
CREATE INDEX couples_clinic ON couples (clinic_id, created_at);
CREATE INDEX couples_client_a ON couples (client_a, created_at);
CREATE INDEX couples_client_b ON couples (client_b, created_at);
-- A client is in one couple at a time: the store checks it in the
-- transaction that links them; these refuse a second live couple for the
-- same pair even from a second server at the same moment.
CREATE UNIQUE INDEX couples_live_pair ON couples (client_a, client_b) WHERE ended_at IS NULL;

-- The couple's shared reflections: written by one partner, read by both;
-- sealed at rest like the journal. chapter names the workbook prompt an
-- entry answers (the couples chapter), "" for a free reflection.
CREATE TABLE couple_reflections (
    id          TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    couple_id   TEXT NOT NULL REFERENCES couples(id),
    author_id   TEXT NOT NULL REFERENCES clients(id),
    prompt_key  TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX couple_reflections_couple ON couple_reflections (couple_id, created_at);
