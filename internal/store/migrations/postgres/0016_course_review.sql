-- The end of a course (DESIGN.md §3): how each goal and intention ended in
-- the care team's review, with the client's own words if they add them, and
-- whether the client agrees to their shared reflections going into the
-- course's summary.

-- One review per goal or intention. outcome is '' while only the client
-- has written (their words may come before the care team's review);
-- client_words is sealed at rest.
CREATE TABLE goal_reviews (
    goal_id         TEXT PRIMARY KEY REFERENCES goals(id),
    clinic_id       TEXT NOT NULL REFERENCES clinics(id),
    client_id       TEXT NOT NULL REFERENCES clients(id),
    course_id       TEXT NOT NULL REFERENCES courses(id),
    outcome         TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'achieved', 'partly', 'not_yet', 'dropped')),
    reviewed_by     TEXT NOT NULL DEFAULT '',
    reviewed_at     TIMESTAMPTZ,
    client_words    TEXT NOT NULL DEFAULT '',
    client_words_at TIMESTAMPTZ
);
CREATE INDEX goal_reviews_course ON goal_reviews (course_id);

-- The client's choices about their course summary. Shared reflections go
-- into it only while include_reflections is 1; the default is 0.
CREATE TABLE course_summaries (
    course_id           TEXT PRIMARY KEY REFERENCES courses(id),
    clinic_id           TEXT NOT NULL REFERENCES clinics(id),
    client_id           TEXT NOT NULL REFERENCES clients(id),
    include_reflections INTEGER NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ NOT NULL
);
