package demo

import (
	"context"
	"fmt"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// The measures part: a course for each Stillwater client in the phase of
// DEMO.md, and months of scores that tell four stories at a glance: Maya
// responds, Daniel responds slowly, Ben does not respond (the demo's
// non-responder), Noah reaches remission, and Lena answered PHQ-9 question 9
// with "Several days" last week, which left an open safety flag.

// courseSpec is a client's current course.
type courseSpec struct {
	client    string
	state     care.State
	startDays int // days before now
	endDays   int // days before now the course ended; 0: not ended
}

var demoCourses = []courseSpec{
	{"maya", care.Active, 82, 0},
	{"daniel", care.Active, 56, 0},
	{"lena", care.Active, 44, 0},
	{"tom", care.Active, 50, 0},
	{"ruth", care.Preparation, 22, 0},
	{"omar", care.Screening, 8, 0},
	{"grace", care.Declined, 28, 21},
	{"priya", care.Active, 38, 0},
	{"ben", care.Active, 38, 0},
	{"noah", care.Completed, 148, 40},
}

// series is one instrument's scores for one client: totals at days before now.
type series struct {
	client     string
	instrument string
	points     []point
}

type point struct {
	daysAgo int
	total   int
	item9   int // PHQ-9 question 9, for Lena's flag
	paper   bool
}

// weekly lays totals out a week apart, ending lastDaysAgo days before now.
func weekly(lastDaysAgo int, totals ...int) []point {
	out := make([]point, len(totals))
	for i, t := range totals {
		out[i] = point{daysAgo: lastDaysAgo + 7*(len(totals)-1-i), total: t}
	}
	return out
}

var demoSeries = []series{
	// Maya: a responder, PHQ-9 19 → 8 over ten weeks.
	{"maya", measures.PHQ9, weekly(3, 19, 18, 17, 15, 14, 13, 11, 10, 9, 9, 8)},
	{"maya", measures.GAD7, weekly(3, 14, 13, 13, 12, 10, 10, 9, 8, 8, 7, 7)},
	{"maya", measures.PCL5, []point{{daysAgo: 80, total: 38}}},
	// Daniel: a slow responder, 17 → 14.
	{"daniel", measures.PHQ9, weekly(4, 17, 17, 16, 17, 16, 15, 15, 14)},
	{"daniel", measures.GAD7, weekly(4, 12, 12, 12, 11, 11, 11, 10, 10)},
	{"daniel", measures.PCL5, []point{{daysAgo: 54, total: 24, paper: true}}},
	// Lena: question 9 answered "Several days" last week.
	// Lena: question 9 answered "Several days" last week; this week's PHQ-9 is due.
	{"lena", measures.PHQ9, append(weekly(15, 18, 17, 16, 16, 15), point{daysAgo: 8, total: 16, item9: 1})},
	{"lena", measures.GAD7, weekly(8, 15, 14, 14, 13, 13, 12)},
	{"lena", measures.PCL5, []point{{daysAgo: 43, total: 29}}},
	// Ben: no response after five weeks, 14 → 14.
	{"ben", measures.PHQ9, weekly(2, 14, 15, 14, 13, 14, 14)},
	{"ben", measures.GAD7, weekly(2, 9, 10, 9, 9, 10, 9)},
	{"ben", measures.PCL5, []point{{daysAgo: 37, total: 22}}},
	{"priya", measures.PHQ9, weekly(2, 12, 11, 10, 9, 8, 8)},
	{"priya", measures.GAD7, weekly(2, 11, 10, 10, 9, 8, 7)},
	{"priya", measures.PCL5, []point{{daysAgo: 37, total: 19}}},
	{"tom", measures.PHQ9, weekly(5, 16, 15, 13, 12, 12, 11, 10)},
	{"tom", measures.GAD7, weekly(5, 10, 10, 9, 9, 8, 8, 7)},
	{"ruth", measures.PHQ9, []point{{daysAgo: 20, total: 15}}},
	{"ruth", measures.GAD7, []point{{daysAgo: 20, total: 11}}},
	// Noah: completed in remission, PHQ-9 15 → 4 and GAD-7 13 → 5.
	{"noah", measures.PHQ9, weekly(42, 15, 14, 13, 11, 10, 9, 8, 7, 6, 5, 5, 4)},
	{"noah", measures.GAD7, weekly(42, 13, 12, 12, 11, 10, 9, 8, 7, 7, 6, 5, 5)},
	{"noah", measures.PCL5, []point{{daysAgo: 146, total: 41}, {daysAgo: 42, total: 18}}},
}

func seedMeasures(ctx context.Context, s *seeder) error {
	clinic := s.clinics[ShortName]
	courses := map[string]store.Course{}
	for _, cs := range demoCourses {
		cl, ok := s.clients[cs.client]
		if !ok {
			return fmt.Errorf("demo course for unknown client %q", cs.client)
		}
		c := store.Course{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: cl.ID, State: cs.state,
			StartedAt: s.now.Add(-days(cs.startDays)), CreatedAt: s.now.Add(-days(cs.startDays))}
		if cs.endDays > 0 {
			end := s.now.Add(-days(cs.endDays))
			c.EndedAt = &end
		}
		if err := s.tx.CreateCourse(ctx, &c); err != nil {
			return fmt.Errorf("demo course for %s: %w", cs.client, err)
		}
		courses[cs.client] = c
	}
	therapist := s.staff["sam"]
	for _, sr := range demoSeries {
		in, ok := measures.ByID(sr.instrument)
		if !ok {
			return fmt.Errorf("demo series: unknown instrument %q", sr.instrument)
		}
		cl, course := s.clients[sr.client], courses[sr.client]
		for i, p := range sr.points {
			if err := s.response(ctx, clinic, cl, course, in, p, i == 0, therapist.ID); err != nil {
				return fmt.Errorf("demo %s %s: %w", sr.client, sr.instrument, err)
			}
		}
	}
	return nil
}

// response stores one scored administration, with answers that add up to
// the story's total and are scored like any other response.
func (s *seeder) response(ctx context.Context, clinic store.Clinic, cl store.Client, course store.Course, in *measures.Instrument,
	p point, first bool, staffID string) error {
	answers, err := answersFor(in, p.total, p.item9)
	if err != nil {
		return err
	}
	res, err := measures.Score(in, answers)
	if err != nil {
		return err
	}
	if res.Total != p.total {
		return fmt.Errorf("answers score %d, want %d", res.Total, p.total)
	}
	// Scores are completed mid-morning, clinic time, so dates read naturally.
	at := s.now.Add(-days(p.daysAgo)).Truncate(time.Hour)
	occasion := string(measures.OccasionRepeat)
	if first {
		occasion = string(measures.OccasionBaseline)
	}
	enteredBy, by, detail := cl.UserID, clientActor(cl), in.ShortTitle
	if p.paper {
		occasion, enteredBy = store.OccasionPaper, staffID
		by, detail = actor{id: staffID, kind: audit.ActorStaff}, in.ShortTitle+"; paper form entered by staff"
	}
	a := store.Assignment{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: cl.ID, CourseID: course.ID, InstrumentID: in.ID,
		Occasion: occasion, DueAt: at, CreatedAt: at}
	if p.paper {
		a.AssignedBy = staffID
	}
	if err := s.tx.CreateAssignment(ctx, &a); err != nil {
		return err
	}
	r := store.Response{AssignmentID: a.ID, ClinicID: clinic.ID, ClientID: cl.ID, CourseID: course.ID,
		InstrumentID: in.ID, Answers: answers, EnteredBy: enteredBy, OnPaper: p.paper, CompletedAt: at}
	flags, err := s.tx.SaveScored(ctx, &r, res, at)
	if err != nil {
		return err
	}
	// Entered as the questionnaire pages enter it: the response, then each
	// safety flag it raised.
	s.record(clinic.ID, by, at, audit.Entry{Action: "measure.submit", ResourceType: "instrument_response", ResourceID: r.ID,
		ClientID: cl.ID, Detail: detail})
	for _, f := range flags {
		s.record(clinic.ID, by, at, audit.Entry{Action: "safety_flag.raise", ResourceType: "safety_flag", ResourceID: f.ID,
			ClientID: cl.ID, Severity: audit.High, Detail: in.ID})
	}
	return nil
}

// answersFor spreads a total over an instrument's scored items as evenly as
// the options allow, front-loading the remainder; PHQ-9 question 9 gets
// item9 and nothing else.
func answersFor(in *measures.Instrument, total, item9 int) (measures.Answers, error) {
	const phq9Item9 = "44260-8"
	var keys []string
	maxEach := 0
	for _, it := range in.Items {
		if it.Scored && it.Key != phq9Item9 {
			keys = append(keys, it.Key)
			maxEach = it.MaxScore()
		}
	}
	a := measures.Answers{}
	if in.ID == measures.PHQ9 {
		a[phq9Item9] = item9
		total -= item9
	}
	if total < 0 || total > maxEach*len(keys) {
		return nil, fmt.Errorf("a total of %d cannot be spread over %d items", total, len(keys))
	}
	for i, k := range keys {
		v := total / len(keys)
		if i < total%len(keys) {
			v++
		}
		a[k] = v
	}
	return a, nil
}
