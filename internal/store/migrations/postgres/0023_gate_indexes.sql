-- The gates count each course's preparation sessions (notes that are not
-- addenda) for a page of courses at once. Read through the course's index
-- alone, every note's row is fetched to see whether it is an addendum, and
-- on SQLite that column lies after the note's sealed body, in the row's
-- overflow pages: a count that reads every note. This index answers it by
-- itself.
CREATE INDEX prep_notes_course_count ON prep_notes (course_id, clinic_id, addendum_to);
