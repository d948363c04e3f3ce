// Package integration holds the rules of the third phase of the journey
// (DESIGN.md §3, CLINICAL.md §7): the reflection prompts that follow each
// medicine session, when each set opens in the clinic's calendar, and the
// practices a client may log. It is pure: the caller passes the sessions,
// the bookings and the clock.
package integration

import (
	"sort"
	"time"

	"doorway/internal/calendar"
)

// PromptSet is one set of reflection prompts a client is offered after a
// medicine session, answered into their journal.
type PromptSet struct {
	// Key is stable: a journal entry names the set it answers by the
	// session's id and this key ("<session id>:day1").
	Key     string
	Title   string
	Intro   string
	Prompts []string
}

// The prompt sets (CLINICAL.md §7: body sensations, images, feelings during
// and after, surprises, words that stayed, what to celebrate, what to grieve
// or let go, what it means for relationships).
var (
	// DayAfter opens the morning after the session, about 24 hours on.
	DayAfter = PromptSet{Key: "day1", Title: "The morning after",
		Intro: "Take your time. Answer what speaks to you and leave the rest; a few words are plenty.",
		Prompts: []string{
			"What do you notice in your body this morning? Was anything different during the session?",
			"What images, colours, sounds or scenes stayed with you?",
			"What feelings came up during the session and afterwards? Did anything surprise you?",
			"Were there words or phrases that stayed with you?",
		}}
	// ThreeDaysAfter opens on the third morning, about 72 hours on.
	ThreeDaysAfter = PromptSet{Key: "day3", Title: "Three days on",
		Intro: "A few days have passed. Some of what came up may have settled, and some may feel clearer now.",
		Prompts: []string{
			"What would you like to celebrate from this session?",
			"Is there anything you feel ready to grieve or let go of?",
			"What might this experience mean for your relationships?",
			"What, if anything, has changed in how you see your intention?",
		}}
	// BeforeIntegration opens the day before the next integration session.
	BeforeIntegration = PromptSet{Key: "before-integration", Title: "Before your integration session",
		Intro: "Your integration session is coming up. These questions can help you gather what you want to bring.",
		Prompts: []string{
			"What from the session feels most important to talk about?",
			"What has come up since, in dreams, memories or everyday moments?",
			"Is there anything you are unsure about or would like help making sense of?",
		}}
)

// CoupleCaution is the line a client in couples work sees above every set:
// clinicians caution against major relationship decisions right after
// intense sessions (CLINICAL.md §5, R58d).
const CoupleCaution = "Big feelings about your relationship can arrive after a session. It is wise to hold off on major relationship decisions for now, and to bring what comes up to your integration session."

// Sets are every prompt set, in the order they open.
func Sets() []PromptSet { return []PromptSet{DayAfter, ThreeDaysAfter, BeforeIntegration} }

// SetByKey finds a prompt set.
func SetByKey(key string) (PromptSet, bool) {
	for _, s := range Sets() {
		if s.Key == key {
			return s, true
		}
	}
	return PromptSet{}, false
}

// openingHour is the clinic-time hour a set opens: a client on a phone the
// morning after should find it there, and nobody should be woken by it.
const openingHour = 8

// openFor is how long a set stays open once it opens, if not answered.
const openFor = 7 * 24 * time.Hour

// Session is a medicine session as the prompts see it.
type Session struct {
	ID string
	// EndedAt is when the client went home (discharge, or the end of a
	// stopped session after a dose); zero while it is under way.
	EndedAt time.Time
	// NextIntegration is the next integration session booked after it, if
	// any (zero otherwise).
	NextIntegration time.Time
}

// Open is a prompt set open for a session now.
type Open struct {
	Set       PromptSet
	SessionID string
	OpensAt   time.Time
	ClosesAt  time.Time
}

// Key is the journal's name for this set of this session.
func (o Open) Key() string { return EntryKey(o.SessionID, o.Set.Key) }

// EntryKey is the prompt key of a journal entry answering set of session.
func EntryKey(sessionID, set string) string { return sessionID + ":" + set }

// atHour is hour o'clock on day d in loc.
func atHour(d calendar.Day, hour int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Date, hour, 0, 0, 0, loc)
}

// Opening is when each set of a session opens, in the clinic's calendar:
// the morning after the day it ended (DayAfter), the morning of the third
// day after (ThreeDaysAfter), and the morning of the day before the next
// integration session, or as soon as the session ends when that morning
// has already passed (BeforeIntegration; none without a booking).
func Opening(s Session, loc *time.Location) map[string]time.Time {
	if s.EndedAt.IsZero() {
		return nil
	}
	day := calendar.Of(s.EndedAt, loc)
	out := map[string]time.Time{
		DayAfter.Key:       atHour(day.AddDays(1), openingHour, loc).UTC(),
		ThreeDaysAfter.Key: atHour(day.AddDays(3), openingHour, loc).UTC(),
	}
	if !s.NextIntegration.IsZero() && s.NextIntegration.After(s.EndedAt) {
		at := atHour(calendar.Of(s.NextIntegration, loc).AddDays(-1), openingHour, loc).UTC()
		if at.Before(s.EndedAt) {
			at = s.EndedAt.UTC()
		}
		out[BeforeIntegration.Key] = at
	}
	return out
}

// OpenNow lists the sets open at now for the sessions: opened, not yet
// answered (answered holds the entry keys the client has written), and not
// older than a week (or, before an integration session, not past it).
// Newest first.
func OpenNow(sessions []Session, answered map[string]bool, now time.Time, loc *time.Location) []Open {
	var out []Open
	for _, s := range sessions {
		for _, set := range Sets() {
			at, ok := Opening(s, loc)[set.Key]
			if !ok || now.Before(at) || answered[EntryKey(s.ID, set.Key)] {
				continue
			}
			closes := at.Add(openFor)
			if set.Key == BeforeIntegration.Key && s.NextIntegration.Before(closes) {
				closes = s.NextIntegration
			}
			if !now.Before(closes) {
				continue
			}
			out = append(out, Open{Set: set, SessionID: s.ID, OpensAt: at, ClosesAt: closes})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].OpensAt.After(out[j].OpensAt) })
	return out
}

// PracticeKind is a practice a client may log (CLINICAL.md §7).
type PracticeKind struct {
	Key   string
	Label string
	Hint  string
}

// PracticeKinds are the practices offered, in the order shown.
var PracticeKinds = []PracticeKind{
	{"breathing", "Breathing", "box breathing, slow breaths"},
	{"mindfulness", "Mindfulness", "RAIN, STOP, sitting quietly"},
	{"nature", "Time in nature", "a walk, a garden, the sea"},
	{"movement", "Movement", "stretching, yoga, dance, a run"},
	{"art", "Art", "drawing, music, making something"},
	{"somatic", "Somatic attention", "noticing the body from the inside"},
	{"journaling", "Journaling", "writing, on paper or here"},
	{"other", "Something else", ""},
}

// PracticeKindByKey finds a practice kind.
func PracticeKindByKey(key string) (PracticeKind, bool) {
	for _, k := range PracticeKinds {
		if k.Key == key {
			return k, true
		}
	}
	return PracticeKind{}, false
}

// Week is the seven days of the clinic's calendar from the Monday on or
// before day.
func Week(day calendar.Day) []calendar.Day {
	// The zero-hour UTC instant of a Day has that Day's weekday.
	wd := int(time.Date(day.Year, day.Month, day.Date, 0, 0, 0, 0, time.UTC).Weekday())
	monday := day.AddDays(-((wd + 6) % 7))
	out := make([]calendar.Day, 7)
	for i := range out {
		out[i] = monday.AddDays(i)
	}
	return out
}
