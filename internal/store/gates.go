package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/seal"
)

// This file loads what care.Gates needs for one course (the store fills the
// facts; care decides), records prescribers' overrides, and moves a course
// between states.

// GateOverride is a prescriber's written override of a failed gate.
type GateOverride struct {
	ID        string
	ClinicID  string
	ClientID  string
	CourseID  string
	SessionID string // "" for a course gate
	GateID    string
	Reason    string // sealed at rest
	By        string // user id
	ByName    string // filled when read
	// ByPrescriber is filled when read: whether the author prescribes now.
	ByPrescriber bool
	// OnCareTeam is filled when read: whether the author is on the
	// client's care team now (the gate for a recent high C-SSRS result
	// takes an override only from a prescriber on it).
	OnCareTeam bool
	At         time.Time
}

// Care is the override as the gates read it.
func (o GateOverride) Care() care.Override {
	return care.Override{GateID: o.GateID, Reason: o.Reason, By: o.ByName, ByPrescriber: o.ByPrescriber, OnCareTeam: o.OnCareTeam, At: o.At}
}

func overrideBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "gate_overrides", Column: "reason", RowID: id}
}

// AddGateOverride stores an override. The caller has put it to
// care.CheckOverride against the gate as it stands; the store checks only
// what it must hold whatever the caller did.
func (t *Tx) AddGateOverride(ctx context.Context, o *GateOverride) error {
	o.Reason = strings.TrimSpace(o.Reason)
	switch {
	case o.Reason == "":
		return problem.Invalidf("reason", "Write the reason for the override.")
	case len(o.Reason) > 4000:
		return problem.Invalidf("reason", "Please keep the reason under 4,000 characters.")
	}
	if err := problem.Prose("reason", "The reason", o.Reason, 4000); err != nil {
		return err
	}
	sealed, err := t.sealText(ctx, overrideBinding(o.ClinicID, o.ID), o.Reason)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO gate_overrides (id, clinic_id, client_id, course_id, session_id, gate_id, reason, by_user, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.ClinicID, o.ClientID, o.CourseID, o.SessionID, o.GateID, sealed, o.By, o.At)
	return err
}

// GateOverrides lists a course's overrides of course gates (not those of a
// medicine session's day-of checks), oldest first.
func (t *Tx) GateOverrides(ctx context.Context, clinicID, courseID string) ([]GateOverride, error) {
	return t.overrides(ctx, clinicID, `o.course_id = ? AND o.session_id = ''`, courseID)
}

// SessionOverrides lists the overrides made for one medicine session, oldest
// first.
func (t *Tx) SessionOverrides(ctx context.Context, clinicID, sessionID string) ([]GateOverride, error) {
	return t.overrides(ctx, clinicID, `o.session_id = ?`, sessionID)
}

// overrides lists a clinic's overrides matching where (on alias o), oldest
// first, with the overriding prescriber's name and the reason opened.
func (t *Tx) overrides(ctx context.Context, clinicID, where string, args ...any) ([]GateOverride, error) {
	rows, err := t.query(ctx, `SELECT o.id, o.clinic_id, o.client_id, o.course_id, o.session_id, o.gate_id, o.reason, o.by_user, u.name,
		EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = o.by_user AND r.role = 'prescriber'),
		EXISTS (SELECT 1 FROM care_team ct WHERE ct.client_id = o.client_id AND ct.user_id = o.by_user), o.at
		FROM gate_overrides o JOIN users u ON u.id = o.by_user
		WHERE o.clinic_id = ? AND `+where+` ORDER BY o.at, o.id`, append([]any{clinicID}, args...)...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(o *GateOverride) error {
		var byPrescriber, onTeam any
		err := rows.Scan(&o.ID, &o.ClinicID, &o.ClientID, &o.CourseID, &o.SessionID, &o.GateID, &o.Reason, &o.By, &o.ByName, &byPrescriber, &onTeam, &o.At)
		o.ByPrescriber, o.OnCareTeam = existsBool(byPrescriber), existsBool(onTeam)
		o.At = o.At.UTC()
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Reason, err = t.openText(ctx, overrideBinding(clinicID, out[i].ID), out[i].Reason); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GateClinic is the clinic-wide part of what care.CourseGates reads: the
// same for every course of a clinic, so a page weighing many courses (the
// caseload board) loads it once.
type GateClinic struct {
	ClinicID string
	// Consents are the clinic's required documents at their current
	// versions, named by kind.
	Consents []care.ConsentDocument
}

// LoadGateClinic loads the clinic-wide part of the gates' input.
func (t *Tx) LoadGateClinic(ctx context.Context, clinicID string) (GateClinic, error) {
	gc := GateClinic{ClinicID: clinicID}
	docs, err := t.CurrentConsentDocuments(ctx, clinicID)
	if err != nil {
		return gc, err
	}
	for _, d := range docs {
		if d.Required {
			gc.Consents = append(gc.Consents, care.ConsentDocument{ID: d.Kind, Title: d.Title, Version: d.Version})
		}
	}
	return gc, nil
}

// GateInput loads everything care.CourseGates reads for one course. PreDose
// stays nil: the day's checks belong to the medicine session.
func (t *Tx) GateInput(ctx context.Context, course Course) (care.GateInput, error) {
	gc, err := t.LoadGateClinic(ctx, course.ClinicID)
	if err != nil {
		return care.GateInput{}, err
	}
	return t.GateInputWith(ctx, gc, course)
}

// GateInputWith is GateInput with the clinic-wide part already loaded (gc
// must be of the course's clinic).
func (t *Tx) GateInputWith(ctx context.Context, gc GateClinic, course Course) (care.GateInput, error) {
	ins, err := t.GateInputs(ctx, gc, []Course{course})
	return ins[course.ID], err
}

// GateInputs is GateInput for several courses of gc's clinic at once, by
// course id: one statement for each kind of fact, whatever the number of
// courses, so the caseload board weighs a page of clients as cheaply as one.
func (t *Tx) GateInputs(ctx context.Context, gc GateClinic, courses []Course) (map[string]care.GateInput, error) {
	return t.GateInputsGiven(ctx, gc, courses, nil)
}

// GateInputsGiven is GateInputs for a caller that has already read the
// courses' clients' completed measures (Administrations, by client id), as
// the caseload has for what is due: it is the largest of the reads, and
// once is enough. A nil done reads them.
func (t *Tx) GateInputsGiven(ctx context.Context, gc GateClinic, courses []Course, done map[string][]measures.Administration) (map[string]care.GateInput, error) {
	out := make(map[string]care.GateInput, len(courses))
	if len(courses) == 0 {
		return out, nil
	}
	var courseIDs, clientIDs []string
	for _, c := range courses {
		courseIDs, clientIDs = append(courseIDs, c.ID), append(clientIDs, c.ClientID)
	}
	decisions, err := t.gateDecisions(ctx, gc.ClinicID, courseIDs)
	if err != nil {
		return nil, err
	}
	inClients, clientArgs := inList("s.client_id", clientIDs)
	signatures, err := t.careSignaturesByClient(ctx, `s.clinic_id = ? AND `+inClients, append([]any{gc.ClinicID}, clientArgs...)...)
	if err != nil {
		return nil, err
	}
	if done == nil {
		if done, err = t.Administrations(ctx, gc.ClinicID, clientIDs); err != nil {
			return nil, err
		}
	}
	completions := gateCompletions(done)
	orders, err := t.gateDosingOrders(ctx, gc.ClinicID, courseIDs)
	if err != nil {
		return nil, err
	}
	prepared, err := t.preparationCounts(ctx, gc.ClinicID, courseIDs)
	if err != nil {
		return nil, err
	}
	inCourses, courseArgs := inList("o.course_id", courseIDs)
	overrides, err := t.overrides(ctx, gc.ClinicID, inCourses+` AND o.session_id = ''`, courseArgs...)
	if err != nil {
		return nil, err
	}
	for _, c := range courses {
		out[c.ID] = care.GateInput{Screening: decisions[c.ID], Consents: gc.Consents, Signatures: signatures[c.ClientID],
			Baseline: completions[c.ClientID], DosingOrder: orders[c.ID], PreparationSessions: prepared[c.ID]}
	}
	for _, o := range overrides {
		in := out[o.CourseID]
		in.Overrides = append(in.Overrides, o.Care())
		out[o.CourseID] = in
	}
	return out, nil
}

// DayGateInput is GateInput with what the day's safety gates read besides:
// the client's open safety flags and the times of their C-SSRS results at
// the high tier (SafetyGateFacts). Every page and change that judges a
// medicine session's gates loads it, so none can leave the safety gates
// without their facts and show them passing.
func (t *Tx) DayGateInput(ctx context.Context, course Course) (care.GateInput, error) {
	in, err := t.GateInput(ctx, course)
	if err != nil {
		return in, err
	}
	in.OpenFlags, in.CSSRSHighAt, err = t.SafetyGateFacts(ctx, course.ClinicID, course.ClientID)
	return in, err
}

// SafetyGateFacts loads, in one statement, a client's safety flags that no
// clinician has acknowledged yet, of every kind and instrument, and when
// each of their C-SSRS screener results (either version) reached the high
// tier, acknowledged or not. Instruments are named by their short title.
func (t *Tx) SafetyGateFacts(ctx context.Context, clinicID, clientID string) ([]care.SafetyFlag, []time.Time, error) {
	rows, err := t.query(ctx, `SELECT 1, id, instrument_id, kind, reason, raised_at FROM safety_flags
			WHERE clinic_id = ? AND client_id = ? AND acknowledged_at IS NULL
		UNION ALL
		SELECT 2, id, instrument_id, '', '', completed_at FROM instrument_responses
			WHERE clinic_id = ? AND client_id = ? AND instrument_id IN (?, ?) AND tier = ?
		ORDER BY 6`,
		clinicID, clientID, clinicID, clientID, measures.CSSRSScreen, measures.CSSRSScreenSLC, string(measures.TierHigh))
	if err != nil {
		return nil, nil, err
	}
	var flags []care.SafetyFlag
	var flagIDs []string
	var highs []time.Time
	err = eachRow(rows, func() error {
		var which int
		var id, instrument, kind, reason string
		var at time.Time
		if err := rows.Scan(&which, &id, &instrument, &kind, &reason, &at); err != nil {
			return err
		}
		if which == 2 {
			highs = append(highs, at.UTC())
			return nil
		}
		name := instrument
		if in, ok := measures.ByID(instrument); ok {
			name = in.ShortTitle
		}
		flags = append(flags, care.SafetyFlag{Instrument: name, Kind: kind, Reason: reason, RaisedAt: at.UTC()})
		flagIDs = append(flagIDs, id)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	// Opened once the rows are closed: a key may have to be read.
	for i := range flags {
		if flags[i].Reason, err = t.openOrClear(ctx, flagReasonBinding(clinicID, flagIDs[i]), flags[i].Reason); err != nil {
			return nil, nil, err
		}
	}
	return flags, highs, nil
}

// prescriberSet is the ids of a clinic's prescribers, as they are now.
func (t *Tx) prescriberSet(ctx context.Context, clinicID string) (map[string]bool, error) {
	rows, err := t.query(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.clinic_id = ? AND r.role = 'prescriber'`, clinicID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	err = eachRow(rows, func() error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	})
	return out, err
}

// existsBool reads an EXISTS column: a boolean on PostgreSQL and an integer
// on SQLite.
func existsBool(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int64:
		return v == 1
	}
	return false
}

// gateDecisions is the latest screening decision of each course, by course
// id, with the decider's name and whether they prescribe in this clinic as
// they are now, which the gate needs.
func (t *Tx) gateDecisions(ctx context.Context, clinicID string, courseIDs []string) (map[string]*care.ScreeningDecision, error) {
	in, args := inList("d.course_id", courseIDs)
	rows, err := t.query(ctx, `SELECT d.course_id, d.kind, d.tier, d.decided_at, d.expires_at, u.name,
		u.clinic_id = d.clinic_id AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'prescriber')
		FROM screening_decisions d JOIN users u ON u.id = d.decided_by
		WHERE d.clinic_id = ? AND `+in+` ORDER BY d.course_id, d.decided_at DESC, d.id DESC`, append([]any{clinicID}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[string]*care.ScreeningDecision{}
	err = eachRow(rows, func() error {
		var course, kind, tier string
		var d care.ScreeningDecision
		var expires sql.NullTime
		var prescriber any
		if err := rows.Scan(&course, &kind, &tier, &d.At, &expires, &d.By, &prescriber); err != nil {
			return err
		}
		if out[course] != nil {
			return nil // an older decision: the newest came first
		}
		d.Kind, d.Tier, d.At, d.ExpiresAt, d.ByPrescriber = screening.DecisionKind(kind), screening.Tier(tier), d.At.UTC(), nullTime(expires), existsBool(prescriber)
		out[course] = &d
		return nil
	})
	return out, err
}

// gateDosingOrders is each course's current dosing order as the gate reads
// it, by course id.
func (t *Tx) gateDosingOrders(ctx context.Context, clinicID string, courseIDs []string) (map[string]*care.DosingOrder, error) {
	in, args := inList("o.course_id", courseIDs)
	rows, err := t.query(ctx, `SELECT o.course_id, COALESCE(u.name, ''),
		EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = o.written_by AND r.role = 'prescriber'), o.written_at`+dosingFrom+`
		WHERE o.clinic_id = ? AND `+in+` AND o.superseded_at IS NULL ORDER BY o.course_id, o.version DESC`, append([]any{clinicID}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[string]*care.DosingOrder{}
	err = eachRow(rows, func() error {
		var course string
		var o care.DosingOrder
		var prescriber any
		if err := rows.Scan(&course, &o.By, &prescriber, &o.At); err != nil {
			return err
		}
		if out[course] == nil {
			o.ByPrescriber, o.At = existsBool(prescriber), o.At.UTC()
			out[course] = &o
		}
		return nil
	})
	return out, err
}

// preparationCounts is how many preparation sessions each course has a
// note of (addenda are not sessions), by course id.
func (t *Tx) preparationCounts(ctx context.Context, clinicID string, courseIDs []string) (map[string]int, error) {
	in, args := inList("course_id", courseIDs)
	rows, err := t.query(ctx, `SELECT course_id, COUNT(*) FROM prep_notes WHERE clinic_id = ? AND `+in+` AND addendum_to IS NULL
		GROUP BY course_id`, append([]any{clinicID}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	err = eachRow(rows, func() error {
		var course string
		var n int
		if err := rows.Scan(&course, &n); err != nil {
			return err
		}
		out[course] = n
		return nil
	})
	return out, err
}

// gateCompletions is every measure each client has completed, by client
// id, as the gates read them.
func gateCompletions(done map[string][]measures.Administration) map[string][]care.Completion {
	out := make(map[string][]care.Completion, len(done))
	for client, as := range done {
		for _, a := range as {
			out[client] = append(out[client], care.Completion{Instrument: a.InstrumentID, At: a.At})
		}
	}
	return out
}

// CourseByID loads one course of a client.
func (t *Tx) CourseByID(ctx context.Context, clinicID, clientID, id string) (Course, error) {
	c, err := scanCourse(t.queryRow(ctx, `SELECT `+courseCols+` FROM courses WHERE clinic_id = ? AND client_id = ? AND id = ?`, clinicID, clientID, id))
	return c, notFound(err, "The course")
}

// SetCourseState moves a course from one state to another, if care.Transition
// allows it and the course is still in from (two people pressing at once
// cannot both move it). A closing state stamps the course's end.
func (t *Tx) SetCourseState(ctx context.Context, course Course, to care.State, at time.Time) error {
	if err := care.Transition(course.State, to); err != nil {
		return err
	}
	var ended *time.Time
	if to.Closed() {
		ended = &at
	}
	res, err := t.exec(ctx, `UPDATE courses SET state = ?, ended_at = COALESCE(?, ended_at) WHERE clinic_id = ? AND id = ? AND state = ?`,
		string(to), ended, course.ClinicID, course.ID, string(course.State))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "The course changed while you were looking at it; please reload and try again.")
	}
	return nil
}

// Course loads one course of a clinic by its id alone (the FHIR API reads
// an EpisodeOfCare by id, then asks access about its client).
func (t *Tx) Course(ctx context.Context, clinicID, id string) (Course, error) {
	c, err := scanCourse(t.queryRow(ctx, `SELECT `+courseCols+` FROM courses WHERE clinic_id = ? AND id = ?`, clinicID, id))
	return c, notFound(err, "The course")
}

// ClientCourses lists every course of a client, oldest first.
func (t *Tx) ClientCourses(ctx context.Context, clinicID, clientID string) ([]Course, error) {
	rows, err := t.query(ctx, `SELECT `+courseCols+` FROM courses WHERE clinic_id = ? AND client_id = ? ORDER BY started_at, created_at, id`, clinicID, clientID)
	if err != nil {
		return nil, err
	}
	var out []Course
	err = eachRow(rows, func() error {
		c, err := scanCourse(rows)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
