package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// PrepNoteTemplate is where a preparation note starts: the headings a
// preparation session covers (DESIGN.md §1), to be filled in or deleted.
const PrepNoteTemplate = `Focus of the session:

Intentions explored:

Practical preparation (fasting, substances, stimulants, ride home, the room to return to):

Medications reviewed:

Questions, concerns and fears raised:

Touch and consent discussed:

Client's readiness for a medicine session:

Plan:`

// PrepNoteInput is a signed preparation session note, or an addendum to
// one.
type PrepNoteInput struct {
	ClientID string
	// Day is the day of the clinic's calendar the session was on; the
	// zero Day is a date not given, or not readable. An addendum has none:
	// it is dated when it is written.
	Day  calendar.Day
	Body string
	// AddendumTo names the note an addendum corrects; "" for a note.
	AddendumTo string
	// Joint: the note is of a couple's joint session, and is signed into
	// the partner's course too, so both care teams read it (couples.go).
	Joint bool
}

// FieldOccurredOn names the day of a session in a problem.
const FieldOccurredOn = "occurred_on"

var (
	opPrepNote     = op{action: "prep_note.sign"}
	opPrepAddendum = op{action: "prep_note.addendum"}
)

// WritePrepNote signs a preparation session note on a client's current
// course, or an addendum to one; notes are never edited. A note is about a
// day of the clinic's calendar, today or before, and must say more than
// the template.
func (s *Service) WritePrepNote(ctx context.Context, a Actor, in PrepNoteInput) (store.PrepNote, error) {
	o := opPrepNote
	if in.AddendumTo != "" {
		o = opPrepAddendum
	}
	now := s.Now()
	var n store.PrepNote
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, o, in.ClientID, access.ClinicalCare, access.Write)
		if err != nil {
			return err
		}
		n = store.PrepNote{ID: auth.NewID(), ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, CourseID: course.ID, Body: in.Body,
			AuthorID: a.P.UserID, SignedAt: now, AddendumTo: in.AddendumTo, OccurredAt: now}
		if in.AddendumTo == "" {
			loc := a.Location()
			today := calendar.Of(now, loc)
			switch {
			case in.Day.IsZero():
				return problem.Invalidf(FieldOccurredOn, "Give the date of the session, such as %s.", today)
			case in.Day.After(today):
				return problem.Invalidf(FieldOccurredOn, "A session note cannot be for a session in the future.")
			case untouched(in.Body):
				return problem.Invalidf("body", "The note is still the empty template; write what happened in the session.")
			}
			// Noon of the day, or the time of writing for a session this
			// morning.
			n.OccurredAt = in.Day.At(now, loc)
		}
		if in.Joint && in.AddendumTo == "" {
			return s.writeJointPrepNote(ctx, tx, a, o, ch, &n)
		}
		if err := tx.AddPrepNote(ctx, &n); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: o.action, ResourceType: "prep_note", ResourceID: n.ID, ClientID: ch.Client.ID})
	})
	return n, err
}

// untouched reports whether a note's body is still the template as the
// form showed it. Browsers send a text area's lines ended by CRLF.
func untouched(body string) bool {
	return strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n")) == strings.TrimSpace(PrepNoteTemplate)
}
