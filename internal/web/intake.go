package web

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/intake"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// Intake in the portal: one page listing the sections and which are done,
// and one form per section that saves on submit, so the client can stop and
// come back. Finishing moves the course on to screening.

// medRows is how many empty medicine rows the form offers beyond those saved.
const medRows = 3

func (s *Server) loadIntake(ctx context.Context, course store.Course) (store.Intake, error) {
	var in store.Intake
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		in, _, err = tx.CourseIntake(ctx, course.ClinicID, course.ID)
		return err
	})
	in.CourseID, in.ClinicID, in.ClientID = course.ID, course.ClinicID, course.ClientID
	return in, err
}

func (s *Server) showIntake(w http.ResponseWriter, r *http.Request) {
	s.renderIntake(w, r, http.StatusOK, "", "")
}

// renderIntake shows the intake overview with a notice of the given flash
// kind ("ok" when kind is empty), if there is one.
func (s *Server) renderIntake(w http.ResponseWriter, r *http.Request, status int, notice, kind string) {
	ctx := r.Context()
	c, course, ok := s.portalCourse(w, r)
	if !ok {
		return
	}
	in, err := s.loadIntake(ctx, course)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "intake.read", ResourceType: "intake", ResourceID: course.ID, ClientID: c.ID})
	iv := view.IntakeView{Finished: in.CompletedAt != nil, Open: course.State == care.Intake}
	if iv.Returned, err = s.portalIntakeReturn(ctx, course); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, sec := range intake.Sections() {
		iv.Sections = append(iv.Sections, view.IntakeSectionRow{ID: sec.ID, Title: sec.Title, Done: in.Answers.Done(sec.ID)})
	}
	iv.Complete = in.Answers.Complete()
	p := s.page(r, "Intake", "/portal")
	if notice != "" {
		if kind == "" {
			kind = "ok"
		}
		p.Flash, p.FlashKind = notice, kind
	}
	s.render(w, r, status, view.Intake(p, iv))
}

// portalSection is the intake section the path names, for the signed-in
// client's current course; it answers the request itself when there is none.
func (s *Server) portalSection(w http.ResponseWriter, r *http.Request) (intake.Section, store.Client, store.Course, bool) {
	sec, ok := intake.SectionByID(r.PathValue("section"))
	if !ok {
		s.notFound(w, r)
		return sec, store.Client{}, store.Course{}, false
	}
	c, course, ok := s.portalCourse(w, r)
	return sec, c, course, ok
}

func (s *Server) showIntakeSection(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sec, c, course, ok := s.portalSection(w, r)
	if !ok {
		return
	}
	in, err := s.loadIntake(ctx, course)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "intake.read", ResourceType: "intake", ResourceID: course.ID, ClientID: c.ID, Detail: sec.ID})
	f := view.IntakeForm{Section: sec, Values: in.Answers.Values, Errors: view.FieldErrors{}, Locked: in.CompletedAt != nil}
	f.Meds = medForm(in.Answers.Medications)
	s.render(w, r, http.StatusOK, view.IntakeSection(s.page(r, sec.Title, "/portal"), f))
}

func medForm(meds []intake.Medication) []view.MedRow {
	var rows []view.MedRow
	for _, m := range meds {
		rows = append(rows, view.MedRow{Name: m.Name, Dose: num(m.DoseMG), Times: num(m.TimesPerDay), Class: string(m.Class)})
	}
	for range medRows {
		rows = append(rows, view.MedRow{})
	}
	return rows
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// readMeds reads the medicine rows of the form; a row with no name is
// empty and skipped. Unreadable numbers are kept as 0 for the check to name.
func readMeds(r *http.Request) ([]intake.Medication, []view.MedRow) {
	names, doses, times, classes := r.PostForm["med_name"], r.PostForm["med_dose"], r.PostForm["med_times"], r.PostForm["med_class"]
	var meds []intake.Medication
	var rows []view.MedRow
	for i, n := range names {
		at := func(xs []string) string {
			if i < len(xs) {
				return strings.TrimSpace(xs[i])
			}
			return ""
		}
		row := view.MedRow{Name: strings.TrimSpace(n), Dose: at(doses), Times: at(times), Class: at(classes)}
		if row.Name == "" {
			continue
		}
		rows = append(rows, row)
		d, _ := strconv.ParseFloat(row.Dose, 64)
		t, _ := strconv.ParseFloat(row.Times, 64)
		meds = append(meds, intake.Medication{Name: row.Name, DoseMG: d, TimesPerDay: t, Class: screening.MedClass(row.Class)})
	}
	return meds, rows
}

func (s *Server) doIntakeSection(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sec, c, course, ok := s.portalSection(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	form := map[string]string{}
	for _, q := range sec.Questions {
		form[q.ID] = r.PostFormValue(q.ID)
	}
	meds, rows := readMeds(r)
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		in, _, err := tx.CourseIntake(ctx, c.ClinicID, course.ID)
		if err != nil {
			return err
		}
		if course.State != care.Intake {
			return problem.New(problem.Conflict, "Your intake is finished; your care team can help with any changes.")
		}
		in.CourseID, in.ClinicID, in.ClientID, in.UpdatedAt = course.ID, c.ClinicID, c.ID, s.now()
		if err := in.Answers.Save(sec, form, meds); err != nil {
			return err
		}
		if err := tx.SaveIntake(ctx, in); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "intake.save", ResourceType: "intake", ResourceID: course.ID, ClientID: c.ID, Detail: sec.ID})
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			for k := range form {
				form[k] = strings.TrimSpace(form[k])
			}
			for range medRows {
				rows = append(rows, view.MedRow{})
			}
			f := view.IntakeForm{Section: sec, Values: form, Meds: rows, Errors: errs}
			s.render(w, r, http.StatusBadRequest, view.IntakeSection(s.page(r, sec.Title, "/portal"), f))
		})
		return
	}
	s.renderIntake(w, r, http.StatusOK, sec.Title+" is saved.", "")
}

// doFinishIntake closes intake once every section is saved, moves the course
// to screening, and records the screening result for the prescriber.
func (s *Server) doFinishIntake(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, course, ok := s.portalCourse(w, r)
	if !ok {
		return
	}
	now := s.now()
	var res screening.Result
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		in, _, err := tx.CourseIntake(ctx, c.ClinicID, course.ID)
		if err != nil {
			return err
		}
		if course.State != care.Intake {
			return problem.New(problem.Conflict, "Your intake is finished; your care team can help with any changes.")
		}
		if !in.Answers.Complete() {
			return problem.Invalidf("intake", "A few sections are still to do; each one is marked on this page.")
		}
		in.CompletedAt = &now
		in.UpdatedAt = now
		if err := tx.SaveIntake(ctx, in); err != nil {
			return err
		}
		if err := tx.SetCourseState(ctx, course, care.Screening, now); err != nil {
			return err
		}
		set, err := tx.ScreeningSettings(ctx, c.ClinicID)
		if err != nil {
			return err
		}
		if res, err = evaluateScreening(ctx, tx, c, in, set); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "intake.complete", ResourceType: "intake", ResourceID: course.ID, ClientID: c.ID,
			Detail: "screening " + string(res.Tier)})
	})
	if err != nil {
		if problem.CodeOf(err) == problem.Invalid {
			s.renderIntake(w, r, http.StatusBadRequest, problem.MessageOf(err), "warn")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderIntake(w, r, http.StatusOK, "Thank you: your intake is complete. Your prescriber will read it and be in touch.", "")
}

// evaluateScreening applies the clinic's screening settings to the intake
// and the client's latest C-SSRS screener, as of when intake was completed.
func evaluateScreening(ctx context.Context, tx *store.Tx, c store.Client, in store.Intake, set screening.Settings) (screening.Result, error) {
	tier, err := latestCSSRS(ctx, tx, c)
	if err != nil {
		return screening.Result{}, err
	}
	asOf := in.UpdatedAt
	if in.CompletedAt != nil {
		asOf = *in.CompletedAt
	}
	return screening.Evaluate(in.Answers.Facts(asOf, c.DateOfBirth, tier), set), nil
}

// latestCSSRS is the tier of the client's newest C-SSRS screener, of either
// version (recent or since last contact).
func latestCSSRS(ctx context.Context, tx *store.Tx, c store.Client) (screening.CSSRSTier, error) {
	var latest *store.Response
	for _, id := range []string{measures.CSSRSScreen, measures.CSSRSScreenSLC} {
		rs, err := tx.Responses(ctx, c.ClinicID, c.ID, id)
		if err != nil {
			return screening.CSSRSUnknown, err
		}
		// Responses are oldest first: the last is the newest of this version.
		if n := len(rs); n > 0 && (latest == nil || newerResponse(rs[n-1], *latest)) {
			latest = &rs[n-1]
		}
	}
	if latest == nil {
		return screening.CSSRSUnknown, nil
	}
	return screening.CSSRSTier(latest.Tier), nil
}

// newerResponse reports whether a was completed after b, or at the same
// time and recorded later.
func newerResponse(a, b store.Response) bool {
	if !a.CompletedAt.Equal(b.CompletedAt) {
		return a.CompletedAt.After(b.CompletedAt)
	}
	return a.RecordedAt.After(b.RecordedAt)
}

// --- the prescriber's screening page ---

func (s *Server) showScreening(w http.ResponseWriter, r *http.Request) {
	s.renderScreening(w, r, http.StatusOK, view.DecisionForm{}, "")
}

// screeningState is what the screening page shows of a client.
type screeningState struct {
	client   store.Client
	team     []string
	course   store.Course
	hasCrs   bool
	intake   store.Intake
	result   screening.Result
	settings screening.Settings
	decision store.ScreeningDecision
	decided  bool
	names    map[string]string // staff names by id, when there is a decision
}

// loadScreening reads what the screening page shows of a client, provided
// the viewer may take action (read, or write to decide) on their screening.
func (s *Server) loadScreening(ctx context.Context, id string, action access.Action) (screeningState, error) {
	var st screeningState
	var err error
	if st.client, st.team, err = s.clientRecord(ctx, id, access.PrescriberOrder, action); err != nil {
		return st, err
	}
	err = s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if st.course, st.hasCrs, err = tx.CurrentCourse(ctx, st.client.ClinicID, st.client.ID); err != nil || !st.hasCrs {
			return err
		}
		if st.intake, _, err = tx.CourseIntake(ctx, st.client.ClinicID, st.course.ID); err != nil {
			return err
		}
		if st.settings, err = tx.ScreeningSettings(ctx, st.client.ClinicID); err != nil {
			return err
		}
		if st.result, err = evaluateScreening(ctx, tx, st.client, st.intake, st.settings); err != nil {
			return err
		}
		if st.decision, st.decided, err = tx.LatestScreeningDecision(ctx, st.client.ClinicID, st.course.ID); err != nil || !st.decided {
			return err
		}
		st.names, err = staffNames(ctx, tx, st.client.ClinicID)
		return err
	})
	return st, err
}

func (s *Server) renderScreening(w http.ResponseWriter, r *http.Request, status int, f view.DecisionForm, notice string) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	st, err := s.loadScreening(ctx, id, access.Read)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	s.record(r, audit.Entry{Action: "screening.read", ResourceType: "screening", ResourceID: st.course.ID, ClientID: st.client.ID})
	loc := v.Clinic.Location()
	sv := view.ScreeningView{ClientID: st.client.ID, Name: st.client.DisplayName(), HasCourse: st.hasCrs, Form: f,
		IntakeDone: st.intake.CompletedAt != nil, Tier: string(st.result.Tier), TierLabel: st.result.Tier.Label(),
		Missing: st.result.Missing, ApprovalDays: care.Settings{Screening: st.settings}.WithDefaults().Screening.ApprovalDays,
		CanDecide: access.Allow(v.P, access.Write, access.Resource{Type: access.PrescriberOrder, ClinicID: st.client.ClinicID, ClientID: st.client.ID, CareTeam: st.team}) &&
			st.awaitsDecision(s.now()),
		Excluded: len(st.result.InTier(screening.Exclude)) > 0}
	if st.hasCrs {
		sv.CourseState = st.course.State.Label()
	}
	if st.intake.CompletedAt != nil {
		sv.IntakeDate = st.intake.CompletedAt.In(loc).Format("2 Jan 2006")
	}
	for _, fr := range st.result.Fired {
		sv.Fired = append(sv.Fired, view.FiredRule{ID: fr.Rule.ID, Tier: string(fr.Rule.Tier), TierLabel: fr.Rule.Tier.Label(), Title: fr.Rule.Title,
			Reason: fr.Rule.Reason, Evidence: fr.Evidence, Source: fr.Rule.SourceText()})
	}
	sv.Meds, _ = medLines(st.intake.Answers.Medications)
	if bmi, ok := st.intake.Answers.BMI(); ok {
		sv.BMI = strconv.FormatFloat(bmi, 'f', 1, 64)
	}
	sv.Hopes = st.intake.Answers.Values["hopes"]
	if st.decided {
		d := st.decision
		dv := view.DecisionLine{Kind: d.Kind.Label(), Tier: d.Tier.Label(), Note: d.Note, When: d.DecidedAt.In(loc).Format("2 Jan 2006")}
		if d.ExpiresAt != nil {
			dv.Expires = d.ExpiresAt.In(loc).Format("2 Jan 2006")
			dv.Expired = !s.now().Before(*d.ExpiresAt)
		}
		dv.By = st.names[d.DecidedBy]
		sv.Decision = &dv
	}
	p := s.page(r, "Screening: "+st.client.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Screening(p, sv))
}

// medLines lays out the client's medicines with each benzodiazepine's daily
// dose in diazepam-equivalents, and the total of those (the figure the
// screening rule compares with its limit); "" when there is none.
func medLines(meds []intake.Medication) ([]view.MedLine, string) {
	var out []view.MedLine
	total, any := 0.0, false
	for _, m := range meds {
		row := view.MedLine{Name: m.Name, Daily: num(m.DailyMG()) + " mg a day", Class: string(m.Class)}
		if de, ok := m.DiazepamEquivalent(); ok {
			row.Diazepam = num(de) + " mg diazepam-equivalent a day"
			total, any = total+de, true
		}
		out = append(out, row)
	}
	if !any {
		return out, ""
	}
	return out, num(math.Round(total*1000)/1000) + " mg diazepam-equivalent a day"
}

func (s *Server) doScreeningDecision(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	st, err := s.loadScreening(ctx, id, access.Write)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	f := view.DecisionForm{Kind: r.PostFormValue("kind"), Note: strings.TrimSpace(r.PostFormValue("note"))}
	d := screening.Decision{Kind: screening.DecisionKind(f.Kind), Note: f.Note}
	now := s.now()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if !st.awaitsDecision(now) {
			return problem.New(problem.Conflict, "This client's course is not waiting for a screening decision.")
		}
		if err := screening.CheckDecision(st.result, d); err != nil {
			return err
		}
		rec := store.ScreeningDecision{ID: auth.NewID(), ClinicID: st.client.ClinicID, ClientID: st.client.ID, CourseID: st.course.ID,
			Kind: d.Kind, Tier: st.result.Tier, Note: d.Note, DecidedBy: v.P.UserID, DecidedAt: now}
		for _, fr := range st.result.Fired {
			rec.Rules = append(rec.Rules, fr.Rule.ID)
		}
		// An approval moves the course on to preparation (or renews one
		// given before); a decline closes it.
		to := care.Declined
		if d.Kind.Approves() {
			exp := screening.ExpiresAt(now, st.settings)
			rec.ExpiresAt = &exp
			to = care.Preparation
		}
		if st.course.State != to {
			if err := tx.SetCourseState(ctx, st.course, to, now); err != nil {
				return err
			}
		}
		if err := tx.RecordScreeningDecision(ctx, &rec); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "screening.decide", ResourceType: "screening", ResourceID: rec.ID, ClientID: st.client.ID,
			Severity: audit.High, Detail: string(d.Kind) + " (" + string(st.result.Tier) + ")"})
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f.Errors = errs
			s.renderScreening(w, r, http.StatusBadRequest, f, "")
		})
		return
	}
	s.renderScreening(w, r, http.StatusOK, view.DecisionForm{}, "The decision is recorded: "+strings.ToLower(d.Kind.Label())+".")
}

// awaitsDecision: a finished intake whose course is in screening waits for
// a decision; one in preparation only when its approval has lapsed (or was
// never recorded), so the prescriber can renew it.
func (st screeningState) awaitsDecision(now time.Time) bool {
	if !st.hasCrs || st.intake.CompletedAt == nil {
		return false
	}
	switch st.course.State {
	case care.Screening:
		return true
	case care.Preparation:
		return !st.decided || !st.decision.Kind.Approves() || st.decision.ExpiresAt == nil || !now.Before(*st.decision.ExpiresAt)
	}
	return false
}

// portalIntakeReturn is the note that sent the client's current course
// back to intake, while the course is in intake again; nil otherwise (and
// for the zero course, when the client has none).
func (s *Server) portalIntakeReturn(ctx context.Context, course store.Course) (*view.ReturnLine, error) {
	if course.State != care.Intake {
		return nil, nil
	}
	var ret store.IntakeReturn
	var ok bool
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		ret, ok, err = tx.LatestIntakeReturn(ctx, course.ClinicID, course.ID)
		return err
	})
	if err != nil || !ok {
		return nil, err
	}
	return returnLine(ret, viewerOf(ctx).Clinic.Location()), nil
}

// returnLine is a note that sent a course back to intake, as the client and
// the care team read it, with its time in loc.
func returnLine(ret store.IntakeReturn, loc *time.Location) *view.ReturnLine {
	return &view.ReturnLine{By: ret.ByName, When: view.When(ret.At, loc), Note: ret.Note}
}
