-- Throttles (SECURITY.md, Authentication and Audit): one row per thing
-- limited (a scope, such as sign-ins to one account from new devices) and
-- whose attempts they are (the subject: an address, or a hash of an
-- account and an address). A row counts the attempts of one fixed window,
-- from its first attempt to ends_at, so a refused attempt is answered from
-- a read and costs no write. When a window ends, the next attempt starts
-- another and keeps the one before in prev_*, for the audit log's summary
-- of it; rows whose window has ended are summarised and deleted as others
-- start.
CREATE TABLE throttle_windows (
    scope           TEXT NOT NULL,
    subject         TEXT NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    hits            INTEGER NOT NULL,
    last_at         TIMESTAMPTZ NOT NULL,
    prev_started_at TIMESTAMPTZ,
    prev_hits       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX throttle_windows_ends ON throttle_windows (ends_at);

-- Devices that have signed in (OWASP's device cookies): a browser that
-- signed in to an account with the right password keeps a long-lived
-- cookie, and a right password from it is let through while the account is
-- throttled for everyone else. Only the hash of the cookie's secret is
-- stored; a row is revoked with the account's password.
CREATE TABLE signin_devices (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX signin_devices_user ON signin_devices (user_id);
