-- Scheduled work (DESIGN.md §6): reminders, due measures and integration
-- prompts wait here, not in one instance's memory, so whichever instance
-- polls first runs each one, exactly once, and a restart loses nothing.
--
-- key is unique for ever, so the same reminder is never queued twice (a
-- second enqueue of "reminder:session:<appt>:<client>:24h" does nothing).
-- payload holds ids, by convention JSON; handlers read the record when they
-- run, so no free text waits in the queue. A job is claimed by setting
-- claimed_by and lease_until, and is free again for any runner once the
-- lease has passed (its runner died). attempts counts claims, so a runner
-- that dies on a job's last attempt still ends it as failed. Exactly one of
-- done_at, failed_at and cancelled_at is set once a job is over; failed jobs
-- stay, with last_error, for the clinic's admins to see and send again.
-- clinic_id is NULL for work that belongs to the installation, not a clinic.

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    clinic_id    TEXT REFERENCES clinics(id),
    kind         TEXT NOT NULL,
    key          TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL DEFAULT '',
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    last_error   TEXT NOT NULL DEFAULT '',
    claimed_by   TEXT,
    lease_until  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    failed_at    TIMESTAMP,
    cancelled_at TIMESTAMP
);
-- What a runner polls: the jobs not yet over, by when they are due.
CREATE INDEX jobs_pending ON jobs (run_at)
    WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL;
-- The failed list of the admin page.
CREATE INDEX jobs_failed ON jobs (clinic_id, failed_at) WHERE failed_at IS NOT NULL;
