package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// Occasions an assignment is made for. The schedule's occasions
// (measures.Occasion) are stored as they are; these two are the others.
const (
	OccasionAssigned = "assigned" // a clinician asked for it
	OccasionPaper    = "paper"    // a paper form entered by staff
)

// Assignment asks a client to complete one instrument. A response answers
// exactly one assignment, and an assignment is answered at most once.
type Assignment struct {
	ID           string
	ClinicID     string
	ClientID     string
	CourseID     string // "" when the client has no course
	InstrumentID string
	Occasion     string // a measures.Occasion, OccasionAssigned or OccasionPaper
	DueAt        time.Time
	AssignedBy   string // the staff user; "" when the schedule made it
	CreatedAt    time.Time
	CompletedAt  *time.Time
}

// Response is a completed instrument with the score computed from its
// answers when it was submitted.
type Response struct {
	ID           string
	AssignmentID string
	ClinicID     string
	ClientID     string
	CourseID     string
	InstrumentID string
	Answers      measures.Answers
	Total        int
	HasTotal     bool
	BandKey      string
	Tier         string // C-SSRS only
	EnteredBy    string // the user who submitted it: the client, or staff for paper
	OnPaper      bool
	// CompletedAt is when the client answered: the submit time, or the date
	// written on a paper form.
	CompletedAt time.Time
	RecordedAt  time.Time
}

// SafetyFlag is raised by a response and stays open until a clinician
// acknowledges it with a note.
type SafetyFlag struct {
	ID             string
	ClinicID       string
	ClientID       string
	ResponseID     string
	InstrumentID   string
	Kind           string
	Severity       string
	Reason         string
	RaisedAt       time.Time
	AcknowledgedAt *time.Time
	AcknowledgedBy string
	AckNote        string
}

// Open reports whether the flag still waits for a clinician.
func (f SafetyFlag) Open() bool { return f.AcknowledgedAt == nil }

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAssignment stores an assignment.
func (t *Tx) CreateAssignment(ctx context.Context, a *Assignment) error {
	if _, ok := measures.ByID(a.InstrumentID); !ok {
		return problem.Invalidf("instrument", "Choose a questionnaire from the list.")
	}
	_, err := t.exec(ctx, `INSERT INTO instrument_assignments (id, clinic_id, client_id, course_id, instrument_id, occasion, due_at, assigned_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ClinicID, a.ClientID, nullString(a.CourseID), a.InstrumentID, a.Occasion, a.DueAt, a.AssignedBy, a.CreatedAt)
	return err
}

const assignmentCols = `id, clinic_id, client_id, course_id, instrument_id, occasion, due_at, assigned_by, created_at, completed_at`

func scanAssignment(sc interface{ Scan(...any) error }) (Assignment, error) {
	var a Assignment
	var course sql.NullString
	var done sql.NullTime
	err := sc.Scan(&a.ID, &a.ClinicID, &a.ClientID, &course, &a.InstrumentID, &a.Occasion, &a.DueAt, &a.AssignedBy, &a.CreatedAt, &done)
	a.CourseID = course.String
	a.DueAt, a.CreatedAt = a.DueAt.UTC(), a.CreatedAt.UTC()
	a.CompletedAt = nullTime(done)
	return a, err
}

// Assignment loads one of a client's assignments; another client's is not found.
func (t *Tx) Assignment(ctx context.Context, clinicID, clientID, id string) (Assignment, error) {
	a, err := scanAssignment(t.queryRow(ctx, `SELECT `+assignmentCols+` FROM instrument_assignments
		WHERE id = ? AND clinic_id = ? AND client_id = ?`, id, clinicID, clientID))
	return a, notFound(err, "That questionnaire")
}

// OpenAssignments lists a client's assignments not yet answered, oldest due first.
func (t *Tx) OpenAssignments(ctx context.Context, clinicID, clientID string) ([]Assignment, error) {
	rows, err := t.query(ctx, `SELECT `+assignmentCols+` FROM instrument_assignments
		WHERE clinic_id = ? AND client_id = ? AND completed_at IS NULL ORDER BY due_at, created_at, id`, clinicID, clientID)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	err = eachRow(rows, func() error {
		a, err := scanAssignment(rows)
		if err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// OpenAssignmentsOf lists the unanswered assignments of the clients named,
// for the caseload board's due list.
func (t *Tx) OpenAssignmentsOf(ctx context.Context, clinicID string, clientIDs []string) ([]Assignment, error) {
	in, args := inList("client_id", clientIDs)
	rows, err := t.query(ctx, `SELECT `+assignmentCols+` FROM instrument_assignments
		WHERE clinic_id = ? AND `+in+` AND completed_at IS NULL ORDER BY due_at, created_at, id`, append([]any{clinicID}, args...)...)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	err = eachRow(rows, func() error {
		a, err := scanAssignment(rows)
		if err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// SaveResponse stores a scored response, closes its assignment and raises
// its flags, all in the caller's transaction. A second response to the same
// assignment is refused with a Conflict, whichever engine and however close
// together the two arrive: the assignment is closed with a conditional
// UPDATE, and assignment_id is UNIQUE besides.
func (t *Tx) SaveResponse(ctx context.Context, r *Response, flags []SafetyFlag) error {
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE instrument_assignments SET completed_at = ?
		WHERE id = ? AND clinic_id = ? AND client_id = ? AND instrument_id = ? AND completed_at IS NULL`,
		r.CompletedAt, r.AssignmentID, r.ClinicID, r.ClientID, r.InstrumentID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.New(problem.Conflict, "This questionnaire has already been answered, so it cannot be answered again.")
	}
	// The answers say things like "thoughts of being better off dead": they
	// are sealed; the scores beside them stay plain so charts and outcomes
	// need no key.
	sealed, err := t.sealText(ctx, responseBinding(r.ClinicID, r.ID), string(answers))
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO instrument_responses (id, assignment_id, clinic_id, client_id, course_id, instrument_id, answers,
		total, has_total, band_key, tier, entered_by, entered_on_paper, completed_at, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.AssignmentID, r.ClinicID, r.ClientID, nullString(r.CourseID), r.InstrumentID, sealed,
		r.Total, b2i(r.HasTotal), r.BandKey, r.Tier, r.EnteredBy, b2i(r.OnPaper), r.CompletedAt, r.RecordedAt)
	if isUniqueViolation(err) {
		return problem.New(problem.Conflict, "This questionnaire has already been answered, so it cannot be answered again.")
	}
	if err != nil {
		return err
	}
	for i := range flags {
		f := &flags[i]
		f.ClinicID, f.ClientID, f.ResponseID, f.InstrumentID = r.ClinicID, r.ClientID, r.ID, r.InstrumentID
		// The reason quotes the answer ("thoughts of being better off dead
		// ... answered Several days"): sealed like the answers.
		reason, err := t.sealText(ctx, flagReasonBinding(f.ClinicID, f.ID), f.Reason)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO safety_flags (id, clinic_id, client_id, response_id, instrument_id, kind, severity, reason, raised_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ID, f.ClinicID, f.ClientID, f.ResponseID, f.InstrumentID, f.Kind, f.Severity, reason, f.RaisedAt); err != nil {
			return err
		}
	}
	return nil
}

// SaveScored stores a response with the score and flags of its result, the
// same from every door a response comes in by: r carries who answered what
// and when, res gives the score, and its flags are raised at at, when the
// response is recorded. r gets an id if it has none. It returns the flags
// raised, for the caller to audit.
func (t *Tx) SaveScored(ctx context.Context, r *Response, res measures.Result, at time.Time) ([]SafetyFlag, error) {
	if r.ID == "" {
		r.ID = auth.NewID()
	}
	r.Total, r.HasTotal, r.BandKey, r.Tier, r.RecordedAt = res.Total, res.HasTotal, res.Band.Key, string(res.Tier), at
	var flags []SafetyFlag
	for _, f := range res.Flags {
		flags = append(flags, SafetyFlag{ID: auth.NewID(), Kind: string(f.Kind), Severity: string(f.Severity), Reason: f.Reason, RaisedAt: at})
	}
	if err := t.SaveResponse(ctx, r, flags); err != nil {
		return nil, err
	}
	return flags, nil
}

const responseCols = `id, assignment_id, clinic_id, client_id, course_id, instrument_id, answers, total, has_total, band_key, tier,
	entered_by, entered_on_paper, completed_at, recorded_at`

func responseBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "instrument_responses", Column: "answers", RowID: id}
}

// scanResponse reads a row; its answers are opened by the caller, which has
// the transaction the keys come from.
func scanResponse(sc interface{ Scan(...any) error }) (Response, string, error) {
	var r Response
	var course sql.NullString
	var sealed string
	var hasTotal, paper int
	err := sc.Scan(&r.ID, &r.AssignmentID, &r.ClinicID, &r.ClientID, &course, &r.InstrumentID, &sealed, &r.Total, &hasTotal,
		&r.BandKey, &r.Tier, &r.EnteredBy, &paper, &r.CompletedAt, &r.RecordedAt)
	if err != nil {
		return r, "", err
	}
	r.CourseID, r.HasTotal, r.OnPaper = course.String, hasTotal == 1, paper == 1
	r.CompletedAt, r.RecordedAt = r.CompletedAt.UTC(), r.RecordedAt.UTC()
	return r, sealed, nil
}

func (t *Tx) openAnswers(ctx context.Context, r *Response, sealed string) error {
	answers, err := t.openText(ctx, responseBinding(r.ClinicID, r.ID), sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(answers), &r.Answers)
}

func (t *Tx) responses(ctx context.Context, where string, args ...any) ([]Response, error) {
	rows, err := t.query(ctx, `SELECT `+responseCols+` FROM instrument_responses WHERE `+where+` ORDER BY completed_at, recorded_at, id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Response
	var sealed []string
	err = eachRow(rows, func() error {
		r, s, err := scanResponse(rows)
		out, sealed = append(out, r), append(sealed, s)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := t.openAnswers(ctx, &out[i], sealed[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Responses lists a client's responses, oldest first; instrumentID "" means
// every instrument.
func (t *Tx) Responses(ctx context.Context, clinicID, clientID, instrumentID string) ([]Response, error) {
	if instrumentID == "" {
		return t.responses(ctx, `clinic_id = ? AND client_id = ?`, clinicID, clientID)
	}
	return t.responses(ctx, `clinic_id = ? AND client_id = ? AND instrument_id = ?`, clinicID, clientID, instrumentID)
}

// LatestTotals is a client's latest total on each instrument that has one,
// without reading (and unsealing) every answer they ever gave.
func (t *Tx) LatestTotals(ctx context.Context, clinicID, clientID string) (map[string]int, error) {
	rows, err := t.query(ctx, `SELECT instrument_id, total FROM instrument_responses
		WHERE clinic_id = ? AND client_id = ? AND has_total = 1 ORDER BY completed_at, recorded_at, id`, clinicID, clientID)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	err = eachRow(rows, func() error { // oldest first: later ones win
		var instrument string
		var total int
		if err := rows.Scan(&instrument, &total); err != nil {
			return err
		}
		out[instrument] = total
		return nil
	})
	return out, err
}

// Response loads one response of a client.
func (t *Tx) Response(ctx context.Context, clinicID, clientID, id string) (Response, error) {
	rs, err := t.responses(ctx, `clinic_id = ? AND client_id = ? AND id = ?`, clinicID, clientID, id)
	if err == nil && len(rs) == 0 {
		err = problem.New(problem.NotFound, "That response was not found.")
	}
	if err != nil {
		return Response{}, err
	}
	return rs[0], nil
}

// ClinicResponses lists every response of a clinic with a total, oldest
// first, for the de-identified outcomes summary.
func (t *Tx) ClinicResponses(ctx context.Context, clinicID string) ([]Response, error) {
	return t.responses(ctx, `clinic_id = ? AND has_total = 1`, clinicID)
}

// Administrations lists when each instrument was completed, by client, for
// the clients named: what the schedule needs to say what is due.
func (t *Tx) Administrations(ctx context.Context, clinicID string, clientIDs []string) (map[string][]measures.Administration, error) {
	in, args := inList("client_id", clientIDs)
	rows, err := t.query(ctx, `SELECT client_id, instrument_id, completed_at FROM instrument_responses WHERE clinic_id = ? AND `+in+` ORDER BY completed_at`,
		append([]any{clinicID}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[string][]measures.Administration{}
	err = eachRow(rows, func() error {
		var client string
		var a measures.Administration
		if err := rows.Scan(&client, &a.InstrumentID, &a.At); err != nil {
			return err
		}
		a.At = a.At.UTC()
		out[client] = append(out[client], a)
		return nil
	})
	return out, err
}

const flagCols = `id, clinic_id, client_id, response_id, instrument_id, kind, severity, reason, raised_at, acknowledged_at, acknowledged_by, ack_note`

func scanFlag(sc interface{ Scan(...any) error }) (SafetyFlag, error) {
	var f SafetyFlag
	var ack sql.NullTime
	err := sc.Scan(&f.ID, &f.ClinicID, &f.ClientID, &f.ResponseID, &f.InstrumentID, &f.Kind, &f.Severity, &f.Reason, &f.RaisedAt,
		&ack, &f.AcknowledgedBy, &f.AckNote)
	f.RaisedAt = f.RaisedAt.UTC()
	f.AcknowledgedAt = nullTime(ack)
	return f, err
}

func (t *Tx) flags(ctx context.Context, where string, args ...any) ([]SafetyFlag, error) {
	rows, err := t.query(ctx, `SELECT `+flagCols+` FROM safety_flags WHERE `+where+` ORDER BY raised_at DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(f *SafetyFlag) (err error) { *f, err = scanFlag(rows); return err })
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].AckNote, err = t.openText(ctx, flagNoteBinding(out[i].ClinicID, out[i].ID), out[i].AckNote); err != nil {
			return nil, err
		}
		if out[i].Reason, err = t.openOrClear(ctx, flagReasonBinding(out[i].ClinicID, out[i].ID), out[i].Reason); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func flagNoteBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "safety_flags", Column: "ack_note", RowID: id}
}

func flagReasonBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "safety_flags", Column: "reason", RowID: id}
}

// ClientFlags lists a client's safety flags, newest first.
func (t *Tx) ClientFlags(ctx context.Context, clinicID, clientID string) ([]SafetyFlag, error) {
	return t.flags(ctx, `clinic_id = ? AND client_id = ?`, clinicID, clientID)
}

// OpenFlags lists every unacknowledged flag of a clinic, newest first.
func (t *Tx) OpenFlags(ctx context.Context, clinicID string) ([]SafetyFlag, error) {
	return t.flags(ctx, `clinic_id = ? AND acknowledged_at IS NULL`, clinicID)
}

// AcknowledgeFlag records a clinician's acknowledgement of an open flag with
// their note. A flag already acknowledged is a Conflict: the first note stands.
func (t *Tx) AcknowledgeFlag(ctx context.Context, clinicID, clientID, flagID, by, note string, at time.Time) error {
	note = strings.TrimSpace(note)
	if note == "" {
		return problem.Invalidf("note", "Please write a note saying what was done, such as who spoke with the client and what was agreed.")
	}
	if len(note) > maxSettingValueBytes {
		return problem.Invalidf("note", "The note is too long: keep it under %d characters.", maxSettingValueBytes)
	}
	sealedNote, err := t.sealText(ctx, flagNoteBinding(clinicID, flagID), note)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE safety_flags SET acknowledged_at = ?, acknowledged_by = ?, ack_note = ?
		WHERE id = ? AND clinic_id = ? AND client_id = ? AND acknowledged_at IS NULL`, at, by, sealedNote, flagID, clinicID, clientID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM safety_flags WHERE id = ? AND clinic_id = ? AND client_id = ?`, flagID, clinicID, clientID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return problem.New(problem.NotFound, "That safety flag was not found.")
	}
	return problem.New(problem.Conflict, "This safety flag has already been acknowledged.")
}
