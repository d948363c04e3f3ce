package practice

import (
	"context"
	"time"

	"doorway/internal/care"
	"doorway/internal/store"
)

// caseloadPhases says where each of clientIDs' current course stands and
// what blocks it (care.Summarize over the course gates), for the caseload
// board; courses are the clinic's current courses (tx.CurrentCourses), and
// a client without one is left out. What every course of the clinic
// shares is read once for the board.
func caseloadPhases(ctx context.Context, tx *store.Tx, st *Settings, courses map[string]store.Course, clientIDs []string, now time.Time) (map[string]care.Summary, error) {
	gc, err := tx.LoadGateClinic(ctx, st.Clinic.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]care.Summary{}
	for _, id := range clientIDs {
		course, has := courses[id]
		if !has {
			continue
		}
		in, err := tx.GateInputWith(ctx, gc, course)
		if err != nil {
			return nil, err
		}
		out[id] = care.Summarize(course.State, care.CourseGates(in, st.Gates, now))
	}
	return out, nil
}
