package measures

import (
	"cmp"
	"doorway/internal/timefmt"
	"fmt"
	"slices"
	"time"
)

// Protocol says which instruments are due when. Zero durations take the
// defaults of DefaultProtocol.
type Protocol struct {
	Rules []ScheduleRule
	// SessionLead is how long before a medicine session its pre-session
	// measures open; an administration in that window counts (72 h).
	SessionLead time.Duration
	// Grace is how long after a calendar occasion (baseline, repeat, course
	// end) falls due before it is overdue (3 days).
	Grace time.Duration
	// CourseEndLead is how long before the course end its measures open (7 days).
	CourseEndLead time.Duration
}

// ScheduleRule is one instrument's occasions.
type ScheduleRule struct {
	InstrumentID  string
	Baseline      bool
	BeforeSession bool
	Every         time.Duration // repeat while the course is active; 0: never
	AtCourseEnd   bool
}

const day = 24 * time.Hour

// Default durations of a Protocol.
const (
	DefaultSessionLead   = 72 * time.Hour
	DefaultGrace         = 3 * day
	DefaultCourseEndLead = 7 * day
)

// DefaultProtocol is CLINICAL.md's schedule: PHQ-9 and GAD-7 at baseline,
// before each medicine session and weekly while the course is active; PCL-5
// at baseline and at the course end.
func DefaultProtocol() Protocol {
	return Protocol{
		Rules: []ScheduleRule{
			{InstrumentID: PHQ9, Baseline: true, BeforeSession: true, Every: 7 * day},
			{InstrumentID: GAD7, Baseline: true, BeforeSession: true, Every: 7 * day},
			{InstrumentID: PCL5, Baseline: true, AtCourseEnd: true},
		},
		SessionLead:   DefaultSessionLead,
		Grace:         DefaultGrace,
		CourseEndLead: DefaultCourseEndLead,
	}
}

// Course is what the schedule needs to know about a course.
type Course struct {
	Start time.Time
	// Phase is the course state of DESIGN.md §3 ("intake", "screening",
	// "preparation", "active", "completed", "maintenance", …).
	Phase string
	// Sessions are the medicine sessions still to come. A session whose time
	// has passed but that has not started yet may stay in the list; its
	// pre-session measures then show as overdue.
	Sessions []time.Time
	End      time.Time // planned or actual course end; zero if not set
}

// Administration is a completed instrument.
type Administration struct {
	InstrumentID string
	At           time.Time
}

// Occasion is why an instrument is due.
type Occasion string

const (
	OccasionBaseline      Occasion = "baseline"
	OccasionBeforeSession Occasion = "before_session"
	OccasionCourseEnd     Occasion = "course_end"
	OccasionRepeat        Occasion = "repeat"
)

// Due is an instrument the client should complete now.
type Due struct {
	InstrumentID string
	Occasion     Occasion
	Reason       string    // "baseline", "before session on Mon 5 Jan 2026, 14:00", "weekly", "course end"
	Session      time.Time // the session, for OccasionBeforeSession
	DueAt        time.Time // when it fell due
	Deadline     time.Time // when it becomes overdue
	Overdue      bool      // now is after Deadline
}

// Phases in which each occasion applies. Elsewhere (inquiry, paused,
// declined, and anything unknown) nothing is due.
var (
	baselinePhases      = []string{"intake", "screening", "preparation", "active"}
	beforeSessionPhases = []string{"preparation", "active"}
	repeatPhases        = []string{"active"}
	courseEndPhases     = []string{"active", "completed", "maintenance"}
)

// occasionOrder breaks ties between occasions with the same deadline.
var occasionOrder = map[Occasion]int{OccasionBaseline: 0, OccasionBeforeSession: 1, OccasionCourseEnd: 2, OccasionRepeat: 3}

// DueNow lists what is due at now, at most one entry per instrument, ordered
// by deadline. The rules are in the package comment. The reasons name a
// session's time as tf writes it, on the clinic's clock.
func DueNow(p Protocol, c Course, done []Administration, now time.Time, tf timefmt.Format) []Due {
	p = p.withDefaults()
	var out []Due
	for _, rule := range p.Rules {
		var times []time.Time
		for _, d := range done {
			if d.InstrumentID == rule.InstrumentID {
				times = append(times, d.At)
			}
		}
		var open []Due
		add := func(d Due, ok bool) {
			if ok {
				open = append(open, d)
			}
		}
		if rule.Baseline && slices.Contains(baselinePhases, c.Phase) {
			add(baseline(p, c, times, now))
		}
		if rule.BeforeSession && slices.Contains(beforeSessionPhases, c.Phase) {
			for _, s := range c.Sessions {
				add(beforeSession(p, s, times, now, tf))
			}
		}
		if rule.Every > 0 && slices.Contains(repeatPhases, c.Phase) {
			add(repeat(p, rule.Every, c, times, now))
		}
		if rule.AtCourseEnd && !c.End.IsZero() && slices.Contains(courseEndPhases, c.Phase) {
			add(courseEnd(p, c, times, now))
		}
		if len(open) == 0 {
			continue
		}
		// One administration now closes every open occasion of an
		// instrument, so show only the most pressing one.
		first := slices.MinFunc(open, func(a, b Due) int {
			return cmp.Or(a.Deadline.Compare(b.Deadline), cmp.Compare(occasionOrder[a.Occasion], occasionOrder[b.Occasion]))
		})
		first.InstrumentID = rule.InstrumentID
		first.Overdue = now.After(first.Deadline)
		out = append(out, first)
	}
	slices.SortStableFunc(out, func(a, b Due) int { return a.Deadline.Compare(b.Deadline) })
	return out
}

func (p Protocol) withDefaults() Protocol {
	p.SessionLead = cmp.Or(p.SessionLead, DefaultSessionLead)
	p.Grace = cmp.Or(p.Grace, DefaultGrace)
	p.CourseEndLead = cmp.Or(p.CourseEndLead, DefaultCourseEndLead)
	return p
}

// doneIn reports whether any time falls in [from, to]; a zero to means no end.
func doneIn(times []time.Time, from, to time.Time) bool {
	for _, t := range times {
		if !t.Before(from) && (to.IsZero() || !t.After(to)) {
			return true
		}
	}
	return false
}

// baseline is due from the course start until done. It must come before the
// first medicine session, so a session earlier than the grace period brings
// the deadline forward.
func baseline(p Protocol, c Course, times []time.Time, now time.Time) (Due, bool) {
	if now.Before(c.Start) || doneIn(times, c.Start, time.Time{}) {
		return Due{}, false
	}
	deadline := c.Start.Add(p.Grace)
	for _, s := range c.Sessions {
		if !s.Before(c.Start) && s.Before(deadline) {
			deadline = s
		}
	}
	return Due{Occasion: OccasionBaseline, Reason: "baseline", DueAt: c.Start, Deadline: deadline}, true
}

// beforeSession opens SessionLead before the session; the session itself is
// the deadline.
func beforeSession(p Protocol, s time.Time, times []time.Time, now time.Time, tf timefmt.Format) (Due, bool) {
	opens := s.Add(-p.SessionLead)
	if now.Before(opens) || doneIn(times, opens, s) {
		return Due{}, false
	}
	return Due{
		Occasion: OccasionBeforeSession,
		Reason:   "before session on " + tf.DateTime(s),
		Session:  s,
		DueAt:    opens,
		Deadline: s,
	}, true
}

// repeat falls due every interval after the latest administration (or after
// the course start, if there is none).
func repeat(p Protocol, every time.Duration, c Course, times []time.Time, now time.Time) (Due, bool) {
	anchor := c.Start
	for _, t := range times {
		if t.After(anchor) {
			anchor = t
		}
	}
	due := anchor.Add(every)
	if now.Before(due) {
		return Due{}, false
	}
	reason := "weekly"
	if every != 7*day {
		reason = fmt.Sprintf("every %s", every)
		if every%day == 0 {
			reason = fmt.Sprintf("every %d days", every/day)
		}
	}
	return Due{Occasion: OccasionRepeat, Reason: reason, DueAt: due, Deadline: due.Add(p.Grace)}, true
}

// courseEnd opens CourseEndLead before the course end and is overdue Grace
// after it.
func courseEnd(p Protocol, c Course, times []time.Time, now time.Time) (Due, bool) {
	opens := c.End.Add(-p.CourseEndLead)
	if now.Before(opens) || doneIn(times, opens, time.Time{}) {
		return Due{}, false
	}
	return Due{Occasion: OccasionCourseEnd, Reason: "course end", DueAt: opens, Deadline: c.End.Add(p.Grace)}, true
}
