-- Records out and reminders (issue 13): what each person wants to be told
-- by e-mail, their calendar feed, the messages sent or recorded, and the
-- readers of the article series by e-mail.

-- One row per person who has saved their choices; a person without a row
-- has the defaults (practice.DefaultNotifications). Read when each message
-- is about to go, not when it was queued, so a change applies at once.
CREATE TABLE notification_prefs (
    user_id           TEXT PRIMARY KEY REFERENCES users(id),
    clinic_id         TEXT NOT NULL REFERENCES clinics(id),
    session_reminders INTEGER NOT NULL,
    bookings          INTEGER NOT NULL,
    measures          INTEGER NOT NULL,
    prompts           INTEGER NOT NULL,
    -- details: whether messages may say what a session or a questionnaire
    -- is (a medicine session, when to stop eating, the PHQ-9), or only that
    -- there is something to see after signing in.
    details           INTEGER NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

-- A person's secret calendar feed (/calendar/<token>.ics). The token is
-- found by its hash and kept sealed as well, so the account page can show
-- the address again; a new token replaces the row, and the old address
-- stops working. last_read_at holds a calendar app to one read a minute
-- across instances.
CREATE TABLE calendar_feeds (
    user_id      TEXT PRIMARY KEY REFERENCES users(id),
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    token_hash   TEXT NOT NULL UNIQUE,
    token        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_read_at TIMESTAMP
);

-- Every message the scheduled work sent, or recorded instead of sending
-- when no SMTP server is configured (the demo): one row per job, whatever
-- its retries. A recorded message keeps its text and HTML, sealed, so the
-- admins see what would have gone; a sent one keeps only its subject and
-- recipient. user_id is NULL for a reader of the article series, who is not
-- a user. Rows older than 90 days are removed by the hourly sweep.
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    clinic_id  TEXT NOT NULL REFERENCES clinics(id),
    job_id     TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    user_id    TEXT REFERENCES users(id),
    subject    TEXT NOT NULL,
    body_text  TEXT NOT NULL DEFAULT '',
    body_html  TEXT NOT NULL DEFAULT '',
    attachment TEXT NOT NULL DEFAULT '',
    sent       INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_clinic ON outbox (clinic_id, created_at);

-- A reader of the article series by e-mail: not a client, so nothing but
-- the address (sealed, and found by a keyed hash) and when they asked and
-- confirmed. Unconfirmed rows go after two days; unsubscribing deletes
-- the row.
CREATE TABLE series_readers (
    id           TEXT PRIMARY KEY,
    clinic_id    TEXT NOT NULL REFERENCES clinics(id),
    email_hash   TEXT NOT NULL,
    email        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    UNIQUE (clinic_id, email_hash)
);
