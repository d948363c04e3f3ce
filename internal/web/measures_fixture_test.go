package web

import (
	"context"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// measuresFixture gives client A what the measures pages show: an active
// course started a month ago, two PHQ-9 scores (the first with item 9
// answered "Several days" and its open safety flag), so the chart, trends,
// report and portal pages all have something to render and the access
// matrix has a flag id to aim at. Client B has nothing.
type measuresFixture struct {
	courseID string
	flagID   string
}

func (f *fixture) seedMeasures() {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	now := f.now
	course := store.Course{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, State: care.Active, StartedAt: now.AddDate(0, 0, -30), CreatedAt: now}
	f.measures = measuresFixture{courseID: course.ID, flagID: auth.NewID()}
	phq := func(days int, item9 int) (store.Assignment, store.Response, measures.Result) {
		at := now.AddDate(0, 0, -days)
		answers := measures.Answers{"44250-9": 2, "44255-8": 2, "44259-0": 2, "44254-1": 2, "44251-7": 1, "44258-2": 2, "44252-5": 1, "44253-3": 1, "44260-8": item9}
		res, err := measures.Score(mustInstrument(measures.PHQ9), answers)
		if err != nil {
			f.t.Fatal(err)
		}
		asg := store.Assignment{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: course.ID, InstrumentID: measures.PHQ9,
			Occasion: string(measures.OccasionBaseline), DueAt: at, CreatedAt: at}
		r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: course.ID,
			InstrumentID: measures.PHQ9, Answers: answers, Total: res.Total, HasTotal: true, BandKey: res.Band.Key,
			EnteredBy: f.users["clientA"].ID, CompletedAt: at, RecordedAt: at}
		return asg, r, res
	}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &course); err != nil {
			return err
		}
		for i, days := range []int{20, 10} {
			item9 := 0
			if i == 0 {
				item9 = 1
			}
			asg, r, res := phq(days, item9)
			if err := tx.CreateAssignment(ctx, &asg); err != nil {
				return err
			}
			var flags []store.SafetyFlag
			for _, fl := range res.Flags {
				flags = append(flags, store.SafetyFlag{ID: f.measures.flagID, Kind: string(fl.Kind), Severity: string(fl.Severity), Reason: fl.Reason, RaisedAt: r.CompletedAt})
			}
			if err := tx.SaveResponse(ctx, &r, flags); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatalf("measures fixture: %v", err)
	}
}

func mustInstrument(id string) *measures.Instrument {
	in, ok := measures.ByID(id)
	if !ok {
		panic("no instrument " + id)
	}
	return in
}
