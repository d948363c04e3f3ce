-- Foundation: clinics, people, sign-in, care teams, the audit log.
-- Times are TIMESTAMPTZ; flags are INTEGER 0/1 on both engines so the same
-- SQL serves both.

CREATE TABLE clinics (
    id            TEXT PRIMARY KEY,
    short_name    TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    demo          INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    clinic_id       TEXT NOT NULL REFERENCES clinics(id),
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('staff', 'client')),
    password_hash   TEXT NOT NULL DEFAULT '',
    totp_secret     TEXT NOT NULL DEFAULT '',
    totp_last_step  BIGINT NOT NULL DEFAULT 0,
    totp_enabled_at TIMESTAMPTZ,
    disabled_at     TIMESTAMPTZ,
    demo            INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_clinic ON users (clinic_id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users(id),
    role    TEXT NOT NULL CHECK (role IN ('admin', 'therapist', 'prescriber')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE clients (
    id             TEXT PRIMARY KEY,
    clinic_id      TEXT NOT NULL REFERENCES clinics(id),
    user_id        TEXT UNIQUE REFERENCES users(id),
    given_name     TEXT NOT NULL,
    family_name    TEXT NOT NULL,
    preferred_name TEXT NOT NULL DEFAULT '',
    date_of_birth  TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX clients_clinic ON clients (clinic_id, family_name, given_name);

CREATE TABLE care_team (
    client_id TEXT NOT NULL REFERENCES clients(id),
    user_id   TEXT NOT NULL REFERENCES users(id),
    added_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_id, user_id)
);
CREATE INDEX care_team_user ON care_team (user_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    mfa_done     INTEGER NOT NULL DEFAULT 0,
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE one_time_links (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX one_time_links_user ON one_time_links (user_id);

CREATE TABLE login_failures (
    id    TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL,
    actor_id      TEXT NOT NULL,
    actor_kind    TEXT NOT NULL,
    clinic_id     TEXT NOT NULL,
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    severity      TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    ip            TEXT NOT NULL,
    detail        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_clinic ON audit_log (clinic_id, seq);
CREATE INDEX audit_log_client ON audit_log (client_id, seq);

-- The audit log is append-only: the database itself refuses to change it.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY,
    head_hash TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    signature TEXT NOT NULL
);
