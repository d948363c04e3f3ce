-- Per-clinic data keys for sealed (encrypted) columns, each wrapped by the
-- installation's master key. New writes use a clinic's newest version; old
-- versions stay so older values remain readable after a rotation.
CREATE TABLE clinic_keys (
    clinic_id   TEXT NOT NULL REFERENCES clinics(id),
    version     INTEGER NOT NULL,
    wrapped_key TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (clinic_id, version)
);
