package practice

import (
	"context"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// QuestionnaireInput is a completed questionnaire: a client answering in
// their portal or through an app, or a clinician entering a paper form or
// sending one from an app.
type QuestionnaireInput struct {
	// ClientID is whose answers these are; a client principal answers only
	// for themself.
	ClientID     string
	InstrumentID string
	Answers      measures.Answers
	// At is when it was completed; zero means now.
	At time.Time
	// OnPaper marks a paper form entered by staff on the pages.
	OnPaper bool
	// AssignmentID names the assignment a portal form answers; "" with
	// DueKey names the schedule's occasion, which must be due at submit
	// time (a form left open across two occasions cannot answer the wrong
	// one). Through the API neither is given: see SubmitQuestionnaire.
	AssignmentID string
	DueKey       string
}

// Submitted is a stored response and what it raised.
type Submitted struct {
	Instrument *measures.Instrument
	Response   store.Response
	Flags      []store.SafetyFlag
	// CrisisText is shown to a client whose answers raised a flag; Crisis
	// holds it with the clinic's crisis numbers.
	CrisisText string
	Crisis     Crisis
}

var opSubmit = op{action: "measure.submit", fhirType: "QuestionnaireResponse", fhirVerb: "create"}

// SubmitQuestionnaire scores a completed questionnaire from its answers
// alone (a total that arrives with them is never trusted), with the
// clinic's settings, and stores it with its safety flags and their audit
// entries in one transaction, all or nothing.
//
// Which assignment it answers: a paper form gets one of its own; a portal
// form answers the assignment or scheduled occasion it was opened for.
// Through the API, a client's response answers what the portal would offer
// them for the instrument (their oldest open assignment of it, or else its
// occasion the schedule has due), and is refused when nothing is; a
// clinician's gets one of its own and is marked as entered by staff.
//
// When it was completed must fall within its course (measures.Window):
// never in the future, never before the day the course began, and, for a
// client's own answers, never before they were asked for. A response dated
// outside is refused, naming FieldAt.
func (s *Service) SubmitQuestionnaire(ctx context.Context, a Actor, in QuestionnaireInput) (Submitted, error) {
	var out Submitted
	now := s.Now()
	if in.At.IsZero() {
		in.At = now
	}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.questionnaireSubject(ctx, tx, a, in.ClientID)
		if err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		instrument, err := st.Instrument(in.InstrumentID)
		if err != nil {
			return err
		}
		res, err := st.Score(instrument, in.Answers)
		if err != nil {
			return err
		}
		byStaff := a.P.Kind == access.Staff
		asg, create, window, err := s.assignmentFor(ctx, tx, a, st, ch.Client, instrument, in, byStaff, now)
		if err != nil {
			return err
		}
		if err := window.Check(in.At, now); err != nil {
			return problem.Invalidf(FieldAt, "%s", problem.MessageOf(err))
		}
		if create {
			if err := tx.CreateAssignment(ctx, &asg); err != nil {
				return err
			}
		}
		resp := store.Response{AssignmentID: asg.ID, ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, CourseID: asg.CourseID,
			InstrumentID: instrument.ID, Answers: in.Answers, EnteredBy: a.P.UserID, OnPaper: byStaff, CompletedAt: in.At}
		flags, err := tx.SaveScored(ctx, &resp, res, now)
		if err != nil {
			return err
		}
		detail := instrument.ShortTitle
		switch {
		case in.OnPaper:
			detail += "; paper form entered by staff"
		case byStaff:
			detail += "; entered by staff"
		}
		entries := []audit.Entry{{Action: a.actionOf(opSubmit), ResourceType: "instrument_response", ResourceID: resp.ID,
			ClientID: ch.Client.ID, Detail: detail}}
		entries = append(entries, flagRaisedEntries(ch.Client.ID, instrument, flags)...)
		out = Submitted{Instrument: instrument, Response: resp, Flags: flags, CrisisText: st.CrisisText, Crisis: st.Crisis}
		return s.appendTx(ctx, tx, a, entries...)
	})
	return out, err
}

// questionnaireSubject is the client a response is about, once access
// allows the actor to record it: a client in their own portal, staff who
// may change the client's record.
func (s *Service) questionnaireSubject(ctx context.Context, tx *store.Tx, a Actor, clientID string) (chart, error) {
	if a.P.Kind == access.Client {
		return s.chartFor(ctx, tx, a, opSubmit, clientID, access.ClientPortal, access.Write)
	}
	return s.chartFor(ctx, tx, a, opSubmit, clientID, access.ClientRecord, access.Write)
}

// assignmentFor finds the assignment a response answers, or makes the one
// it gets (create is then true), and says when the response may be dated:
// within the assignment's course, and for a client not before what they
// answer was asked for.
func (s *Service) assignmentFor(ctx context.Context, tx *store.Tx, a Actor, st *Settings, c store.Client, instrument *measures.Instrument,
	in QuestionnaireInput, byStaff bool, now time.Time) (store.Assignment, bool, measures.Window, error) {
	window := measures.Window{Loc: a.Location()}
	own := func(occasion string, due time.Time) (store.Assignment, bool, measures.Window, error) {
		asg := store.Assignment{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, InstrumentID: instrument.ID,
			Occasion: occasion, DueAt: due, CreatedAt: now}
		if byStaff {
			asg.AssignedBy = a.P.UserID
		}
		course, ok, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
		if ok {
			asg.CourseID, window.CourseStart = course.ID, course.StartedAt
		}
		return asg, true, window, err
	}
	switch {
	case in.OnPaper:
		return own(store.OccasionPaper, in.At)
	case a.Channel == API && byStaff:
		return own(store.OccasionAPI, in.At)
	case in.AssignmentID != "":
		asg, err := tx.Assignment(ctx, c.ClinicID, c.ID, in.AssignmentID)
		if problem.CodeOf(err) == problem.NotFound || (err == nil && asg.InstrumentID != instrument.ID) {
			return asg, false, window, s.refuse(a, opSubmit, "instrument_assignment", in.AssignmentID, "no such record", "That questionnaire was not found.")
		}
		if err != nil {
			return asg, false, window, err
		}
		if asg.CompletedAt != nil {
			return asg, false, window, problem.New(problem.Conflict, "You have already answered this questionnaire. Thank you.")
		}
		window.Asked = asg.CreatedAt
		window.CourseStart, err = s.courseStart(ctx, tx, asg)
		return asg, false, window, err
	}
	// A client answering what the schedule has due: the occasion the portal
	// form was opened for (DueKey), which must still be due, so a form left
	// open across two occasions cannot answer the wrong one; or, through
	// the API, whatever the portal would offer for the instrument now.
	cm, err := clientMeasures(ctx, tx, st.Clinic, c.ID, now)
	if err != nil {
		return store.Assignment{}, false, window, err
	}
	for _, d := range st.DueNow(cm, now) {
		if d.Instrument.ID != instrument.ID || (a.Channel != API && (d.AssignmentID != "" || d.Key() != in.DueKey)) {
			continue
		}
		if d.AssignmentID != "" {
			for _, asg := range cm.Open {
				if asg.ID == d.AssignmentID {
					window.Asked = asg.CreatedAt
					window.CourseStart, err = s.courseStart(ctx, tx, asg)
					return asg, false, window, err
				}
			}
		}
		asg := store.Assignment{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, InstrumentID: instrument.ID,
			Occasion: d.Occasion, DueAt: d.DueAt, CreatedAt: now}
		if cm.HasCourse {
			asg.CourseID, window.CourseStart = cm.Course.ID, cm.Course.StartedAt
		}
		window.Asked = d.DueAt
		return asg, true, window, nil
	}
	return store.Assignment{}, false, window, problem.New(problem.Conflict, "This questionnaire is not due just now; you may already have answered it. Thank you.")
}

// courseStart is when the course an assignment belongs to began; zero for
// an assignment of no course.
func (s *Service) courseStart(ctx context.Context, tx *store.Tx, asg store.Assignment) (time.Time, error) {
	if asg.CourseID == "" {
		return time.Time{}, nil
	}
	course, err := tx.Course(ctx, asg.ClinicID, asg.CourseID)
	return course.StartedAt, err
}

// flagRaisedEntries are the audit entries of the safety flags a response
// raised: high severity, so they stand out in the log.
func flagRaisedEntries(clientID string, in *measures.Instrument, flags []store.SafetyFlag) []audit.Entry {
	var out []audit.Entry
	for _, f := range flags {
		out = append(out, audit.Entry{Action: "safety_flag.raise", ResourceType: "safety_flag", ResourceID: f.ID,
			ClientID: clientID, Severity: audit.High, Detail: in.ID})
	}
	return out
}

// PaperForm is a client and an instrument a clinician enters a paper form
// of.
type PaperForm struct {
	Client     store.Client
	Instrument *measures.Instrument
}

var opPaper = op{action: "client.read"}

// PaperQuestionnaire is the client and instrument of a paper form, once
// access allows the actor to record it and the clinic uses the instrument:
// what the form is shown again with when what was typed is refused.
func (s *Service) PaperQuestionnaire(ctx context.Context, a Actor, clientID, instrumentID string) (PaperForm, error) {
	var out PaperForm
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPaper, clientID, access.ClientRecord, access.Write)
		if err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		out.Client = ch.Client
		out.Instrument, err = st.Instrument(instrumentID)
		return err
	})
	return out, err
}

// OpenPaperQuestionnaire is PaperQuestionnaire for the blank form, whose
// opening is recorded as a read of the client's record.
func (s *Service) OpenPaperQuestionnaire(ctx context.Context, a Actor, clientID, instrumentID string) (PaperForm, error) {
	f, err := s.PaperQuestionnaire(ctx, a, clientID, instrumentID)
	if err != nil {
		return f, err
	}
	return f, s.Record(ctx, a, audit.Entry{Action: opPaper.action, ResourceType: "client", ResourceID: f.Client.ID, ClientID: f.Client.ID,
		Detail: "paper " + f.Instrument.ShortTitle + " form"})
}
