-- Preparation: consent documents and signatures, intentions and goals, the
-- client's preparation checklist, preparation session notes, and the
-- prescribers' overrides of course gates. Column for column the same as the
-- SQLite migration; see it for the reasoning.

CREATE TABLE consent_documents (
    id           TEXT PRIMARY KEY,
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    body         TEXT NOT NULL,
    required     INTEGER NOT NULL DEFAULT 1,
    published_at TIMESTAMPTZ NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    UNIQUE (clinic_id, kind, version)
);

CREATE FUNCTION doorway_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;
CREATE TRIGGER consent_documents_immutable BEFORE UPDATE OR DELETE ON consent_documents
    FOR EACH ROW EXECUTE FUNCTION doorway_refuse_change('a published consent document cannot be changed; publish a new version');

CREATE TABLE consent_signatures (
    id               TEXT PRIMARY KEY,
    clinic_id        TEXT NOT NULL REFERENCES clinics(id),
    client_id        TEXT NOT NULL REFERENCES clients(id),
    document_id      TEXT NOT NULL REFERENCES consent_documents(id),
    version          INTEGER NOT NULL,
    typed_name       TEXT NOT NULL,
    agreed           INTEGER NOT NULL,
    signed_at        TIMESTAMPTZ NOT NULL,
    ip               TEXT NOT NULL DEFAULT '',
    withdrawn_at     TIMESTAMPTZ,
    withdrawn_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_signatures_client ON consent_signatures (client_id, signed_at);

-- The only change a signature allows: withdrawn_at (and its reason) set once.
CREATE FUNCTION consent_signature_withdraw_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a consent signature cannot be deleted';
    END IF;
    IF OLD.withdrawn_at IS NOT NULL OR NEW.withdrawn_at IS NULL
       OR NEW.id IS DISTINCT FROM OLD.id OR NEW.clinic_id IS DISTINCT FROM OLD.clinic_id
       OR NEW.client_id IS DISTINCT FROM OLD.client_id OR NEW.document_id IS DISTINCT FROM OLD.document_id
       OR NEW.version IS DISTINCT FROM OLD.version OR NEW.typed_name IS DISTINCT FROM OLD.typed_name
       OR NEW.agreed IS DISTINCT FROM OLD.agreed OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
       OR NEW.ip IS DISTINCT FROM OLD.ip THEN
        RAISE EXCEPTION 'a consent signature cannot be changed, only withdrawn once';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER consent_signatures_immutable BEFORE UPDATE OR DELETE ON consent_signatures
    FOR EACH ROW EXECUTE FUNCTION consent_signature_withdraw_only();

CREATE TABLE goals (
    id                     TEXT PRIMARY KEY,
    clinic_id              TEXT NOT NULL REFERENCES clinics(id),
    client_id              TEXT NOT NULL REFERENCES clients(id),
    course_id              TEXT NOT NULL REFERENCES courses(id),
    kind                   TEXT NOT NULL CHECK (kind IN ('intention', 'goal')),
    text                   TEXT NOT NULL,
    measure                TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL DEFAULT 'active',
    created_by             TEXT NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL,
    agreed_by_client_at    TIMESTAMPTZ,
    agreed_by_therapist_at TIMESTAMPTZ,
    agreed_by_therapist    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX goals_course ON goals (course_id, created_at);

CREATE TABLE prep_checklist (
    course_id          TEXT PRIMARY KEY REFERENCES courses(id),
    clinic_id          TEXT NOT NULL REFERENCES clinics(id),
    client_id          TEXT NOT NULL REFERENCES clients(id),
    fasting_understood INTEGER NOT NULL DEFAULT 0,
    no_substances      INTEGER NOT NULL DEFAULT 0,
    stimulants_paused  INTEGER NOT NULL DEFAULT 0,
    companion_name     TEXT NOT NULL DEFAULT '',
    companion_phone    TEXT NOT NULL DEFAULT '',
    room_ready         INTEGER NOT NULL DEFAULT 0,
    room_note          TEXT NOT NULL DEFAULT '',
    updated_by         TEXT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE prep_notes (
    id          TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    client_id   TEXT NOT NULL REFERENCES clients(id),
    course_id   TEXT NOT NULL REFERENCES courses(id),
    kind        TEXT NOT NULL CHECK (kind IN ('preparation')),
    occurred_at TIMESTAMPTZ NOT NULL,
    body        TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES users(id),
    signed_at   TIMESTAMPTZ NOT NULL,
    addendum_to TEXT REFERENCES prep_notes(id),
    joint_with  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX prep_notes_course ON prep_notes (course_id, occurred_at);
CREATE TRIGGER prep_notes_immutable BEFORE UPDATE OR DELETE ON prep_notes
    FOR EACH ROW EXECUTE FUNCTION doorway_refuse_change('a signed note cannot be changed; add an addendum');

CREATE TABLE gate_overrides (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    course_id  TEXT NOT NULL REFERENCES courses(id),
    session_id TEXT NOT NULL DEFAULT '',
    gate_id    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users(id),
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX gate_overrides_course ON gate_overrides (course_id, at);
