package practice

import (
	"context"
	"time"

	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// caseloadPhases says where each of clientIDs' current course stands and
// what blocks it (care.Summarize over the course gates), for the caseload
// board; courses are the page's current courses (tx.CurrentCourses), and a
// client without one is left out. The gates' facts are read for the whole
// page at once (tx.GateInputs), not client by client.
func caseloadPhases(ctx context.Context, tx *store.Tx, st *Settings, courses map[string]store.Course, clientIDs []string,
	done map[string][]measures.Administration, now time.Time) (map[string]care.Summary, error) {
	gc, err := tx.LoadGateClinic(ctx, st.Clinic.ID)
	if err != nil {
		return nil, err
	}
	var list []store.Course
	for _, id := range clientIDs {
		if course, has := courses[id]; has {
			list = append(list, course)
		}
	}
	ins, err := tx.GateInputsGiven(ctx, gc, list, done)
	if err != nil {
		return nil, err
	}
	out := map[string]care.Summary{}
	for _, course := range list {
		out[course.ClientID] = care.Summarize(course.State, care.CourseGates(ins[course.ID], st.Gates, now))
	}
	return out, nil
}
