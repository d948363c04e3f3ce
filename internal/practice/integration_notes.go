package practice

import (
	"context"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/integration"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Integration session notes (DESIGN.md §3): the care team documents each
// integration session from a SOAP or DAP template, linked to the medicine
// session it integrates. A note is signed as it is saved and the database
// refuses any change to it; a correction is an addendum. They belong to
// the client's record: the care team and admins read them, only a
// clinician on the care team writes them, and the audit log names them by
// id, never by a word of what is in them.

// ClientIntegration is what a client's integration page shows: the
// course's notes with their addenda, the signed medicine sessions a new
// note may integrate, and what the viewer may do.
type ClientIntegration struct {
	Client    store.Client
	HasCourse bool
	Course    store.Course
	Notes     []store.IntegrationNote
	// Sessions are the course's signed medicine sessions, newest first.
	Sessions   []store.MedicineSession
	StaffNames map[string]string
	// CanWrite: a clinician on the care team, who writes notes.
	CanWrite bool
	// CanKeepProcessNotes: the viewer may keep psychotherapy notes about
	// this client (their own, apart from the record).
	CanKeepProcessNotes bool
	// Partners names the other client of each joint session's note, by
	// id; CoupleWith is the partner's name while the client is in couples
	// work, for the form's joint-session choice.
	Partners   map[string]string
	CoupleWith string
}

// IntegrationNoteInput is a signed integration note, or an addendum to one.
type IntegrationNoteInput struct {
	ClientID string
	// Template is integration.TemplateSOAP or TemplateDAP; an addendum has
	// its own.
	Template string
	// MedicineSessionID is the signed medicine session the note integrates.
	MedicineSessionID string
	// Day is the day of the integration session in the clinic's calendar;
	// zero when not given or unreadable. An addendum is dated as written.
	Day calendar.Day
	// Sections are what was typed in each section, by its key.
	Sections map[string]string
	// AddendumTo names the note an addendum corrects; "" for a note.
	AddendumTo string
	// Joint: the note is of a couple's joint integration session, and is
	// signed into the partner's course too (couples.go).
	Joint bool
}

// FieldMedicineSession names the medicine session a note integrates in a
// problem; FieldTemplate names its template. A section's problem names
// "section.<key>".
const (
	FieldMedicineSession = "medicine_session"
	FieldTemplate        = "template"
)

var (
	opIntegrationRead     = op{action: "integration_note.list"}
	opIntegrationSign     = op{action: "integration_note.sign"}
	opIntegrationAddendum = op{action: "integration_note.addendum"}
)

// Integration loads a client's integration page for the care team; the
// reading is recorded.
func (s *Service) Integration(ctx context.Context, a Actor, clientID string) (ClientIntegration, error) {
	var out ClientIntegration
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opIntegrationRead, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		c := ch.Client
		out.Client = c
		out.CanWrite = ch.may(a, access.Write, access.ClinicalCare)
		out.CanKeepProcessNotes = mayKeepProcessNotes(a, ch)
		if out.Course, out.HasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil || !out.HasCourse {
			return err
		}
		if out.Notes, err = tx.IntegrationNotes(ctx, c.ClinicID, out.Course.ID); err != nil {
			return err
		}
		if out.Sessions, err = signedSessions(ctx, tx, out.Course); err != nil {
			return err
		}
		var joint []string
		for _, n := range out.Notes {
			joint = append(joint, n.JointWith)
		}
		if out.CoupleWith, out.Partners, err = coupleNames(ctx, tx, c, joint); err != nil {
			return err
		}
		out.StaffNames, err = tx.StaffNames(ctx, c.ClinicID)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opIntegrationRead.action, ResourceType: "integration_note", ClientID: out.Client.ID,
		Detail: plural(len(out.Notes), "note", "notes")})
}

// signedSessions are a course's signed medicine sessions, newest first:
// the sessions an integration note may integrate.
func signedSessions(ctx context.Context, tx *store.Tx, course store.Course) ([]store.MedicineSession, error) {
	ms, err := tx.ClientMedicineSessions(ctx, course.ClinicID, course.ClientID)
	if err != nil {
		return nil, err
	}
	var out []store.MedicineSession
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Locked() && ms[i].CourseID == course.ID {
			out = append(out, ms[i])
		}
	}
	return out, nil
}

// WriteIntegrationNote signs an integration note on a client's current
// course, or an addendum to one; notes are never edited. A note integrates
// one of the course's signed medicine sessions, is about a day of the
// clinic's calendar from that session's day to today, and must say
// something in at least one section of its template.
func (s *Service) WriteIntegrationNote(ctx context.Context, a Actor, in IntegrationNoteInput) (store.IntegrationNote, error) {
	o := opIntegrationSign
	if in.AddendumTo != "" {
		o = opIntegrationAddendum
	}
	now := s.Now()
	var n store.IntegrationNote
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, o, in.ClientID, access.ClinicalCare, access.Write)
		if err != nil {
			return err
		}
		n = store.IntegrationNote{ID: auth.NewID(), ClinicID: course.ClinicID, ClientID: course.ClientID, CourseID: course.ID,
			AuthorID: a.P.UserID, SignedAt: now, OccurredAt: now, AddendumTo: in.AddendumTo}
		t := integration.Addendum
		if in.AddendumTo == "" {
			var ok bool
			if t, ok = integration.TemplateByKey(in.Template); !ok || t.Key == integration.TemplateAddendum {
				return problem.Invalidf(FieldTemplate, "Choose a SOAP or a DAP note.")
			}
			if n.OccurredAt, n.MedicineSessionID, err = s.integratedSession(ctx, tx, a, course, in, now); err != nil {
				return err
			}
		}
		if n.Sections, err = integration.CheckNote(t, in.Sections); err != nil {
			return err
		}
		n.Template = t.Key
		notes := []*store.IntegrationNote{&n}
		if in.Joint && in.AddendumTo == "" {
			twin, err := s.jointIntegrationTwin(ctx, tx, a, ch, &n)
			if err != nil {
				return err
			}
			notes = append(notes, &twin)
		}
		for _, note := range notes {
			if err := tx.AddIntegrationNote(ctx, note); err != nil {
				return err
			}
			detail := t.Key + "; medicine session " + note.MedicineSessionID
			if in.AddendumTo != "" {
				detail = "addendum to " + in.AddendumTo
			}
			if note.JointWith != "" {
				detail += "; joint session"
			}
			if err := s.appendTx(ctx, tx, a, audit.Entry{Action: o.action, ResourceType: "integration_note", ResourceID: note.ID, ClientID: note.ClientID, Detail: detail}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// integratedSession checks the day of an integration session and the
// medicine session it integrates, and returns when the session was (noon
// of its day, or the time of writing for one this morning) and the
// medicine session's id.
func (s *Service) integratedSession(ctx context.Context, tx *store.Tx, a Actor, course store.Course, in IntegrationNoteInput, now time.Time) (time.Time, string, error) {
	loc := a.Location()
	today := calendar.Of(now, loc)
	sessions, err := signedSessions(ctx, tx, course)
	if err != nil {
		return time.Time{}, "", err
	}
	if len(sessions) == 0 {
		return time.Time{}, "", problem.Invalidf(FieldMedicineSession, "An integration note integrates a signed medicine session, and this course has none yet.")
	}
	var m *store.MedicineSession
	for i := range sessions {
		if sessions[i].ID == in.MedicineSessionID {
			m = &sessions[i]
		}
	}
	switch {
	case m == nil:
		return time.Time{}, "", problem.Invalidf(FieldMedicineSession, "Choose the medicine session this integration session follows.")
	case in.Day.IsZero():
		return time.Time{}, "", problem.Invalidf(FieldOccurredOn, "Give the date of the integration session, such as %s.", today)
	case in.Day.After(today):
		return time.Time{}, "", problem.Invalidf(FieldOccurredOn, "A session note cannot be for a session in the future.")
	case in.Day.Before(calendar.Of(m.StartedAt, loc)):
		return time.Time{}, "", problem.Invalidf(FieldOccurredOn, "The integration session comes after the medicine session it integrates (%s).",
			calendar.Of(m.StartedAt, loc))
	}
	return in.Day.At(now, loc), m.ID, nil
}
