package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/care"
	"doorway/internal/intake"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// Intake in the portal: one page listing the sections and which are done,
// and one form per section that saves on submit, so the client can stop and
// come back. Finishing moves the course on to screening.

// medRows is how many empty medicine rows the form offers beyond those saved.
const medRows = 3

func (s *Server) showIntake(w http.ResponseWriter, r *http.Request) {
	s.renderIntake(w, r, http.StatusOK, "", "")
}

// renderIntake shows the intake overview with a notice of the given flash
// kind ("ok" when kind is empty), if there is one.
func (s *Server) renderIntake(w http.ResponseWriter, r *http.Request, status int, notice, kind string) {
	pi, err := s.app.Intake(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	iv := view.IntakeView{Finished: pi.Intake.CompletedAt != nil, Open: pi.Course.State == care.Intake}
	if pi.Returned != nil {
		iv.Returned = returnLine(*pi.Returned, s.timeFormat(r))
	}
	for _, sec := range intake.Sections() {
		iv.Sections = append(iv.Sections, view.IntakeSectionRow{ID: sec.ID, Title: sec.Title, Done: pi.Intake.Answers.Done(sec.ID)})
	}
	iv.Complete = pi.Intake.Answers.Complete()
	p := s.page(r, "Intake", "/portal")
	if notice != "" {
		if kind == "" {
			kind = "ok"
		}
		p.Flash, p.FlashKind = notice, kind
	}
	s.render(w, r, status, view.Intake(p, iv))
}

func (s *Server) showIntakeSection(w http.ResponseWriter, r *http.Request) {
	pi, err := s.app.IntakeSection(r.Context(), s.actor(r), r.PathValue("section"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := view.IntakeForm{Section: pi.Section, Values: pi.Intake.Answers.Values, Errors: view.FieldErrors{}, Locked: pi.Intake.CompletedAt != nil}
	f.Meds = medForm(pi.Intake.Answers.Medications)
	s.render(w, r, http.StatusOK, view.IntakeSection(s.page(r, pi.Section.Title, "/portal"), f))
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
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	id := r.PathValue("section")
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = r.PostFormValue(k)
	}
	meds, rows := readMeds(r)
	err := s.app.SaveIntakeSection(r.Context(), s.actor(r), practice.IntakeSectionInput{Section: id, Answers: form, Medications: meds})
	if err != nil {
		sec, _ := intake.SectionByID(id)
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			typed := map[string]string{}
			for _, q := range sec.Questions {
				typed[q.ID] = strings.TrimSpace(form[q.ID])
			}
			for range medRows {
				rows = append(rows, view.MedRow{})
			}
			f := view.IntakeForm{Section: sec, Values: typed, Meds: rows, Errors: errs}
			s.render(w, r, http.StatusBadRequest, view.IntakeSection(s.page(r, sec.Title, "/portal"), f))
		})
		return
	}
	sec, _ := intake.SectionByID(id)
	s.renderIntake(w, r, http.StatusOK, sec.Title+" is saved.", "")
}

// doFinishIntake closes intake once every section is saved, moves the course
// to screening, and records the screening result for the prescriber.
func (s *Server) doFinishIntake(w http.ResponseWriter, r *http.Request) {
	if err := s.app.FinishIntake(r.Context(), s.actor(r)); err != nil {
		if problem.CodeOf(err) == problem.Invalid {
			s.renderIntake(w, r, http.StatusBadRequest, problem.MessageOf(err), "warn")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderIntake(w, r, http.StatusOK, "Thank you: your intake is complete. Your prescriber will read it and be in touch.", "")
}

// --- the prescriber's screening page ---

func (s *Server) showScreening(w http.ResponseWriter, r *http.Request) {
	s.renderScreening(w, r, http.StatusOK, view.DecisionForm{}, "")
}

func (s *Server) renderScreening(w http.ResponseWriter, r *http.Request, status int, f view.DecisionForm, notice string) {
	id := r.PathValue("id")
	sc, err := s.app.Screening(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	tf := s.timeFormat(r)
	sv := view.ScreeningView{ClientID: sc.Client.ID, Name: sc.Client.DisplayName(), HasCourse: sc.HasCourse, Form: f,
		IntakeDone: sc.Intake.CompletedAt != nil, Tier: string(sc.Result.Tier), TierLabel: sc.Result.Tier.Label(),
		Missing: sc.Result.Missing, ApprovalDays: sc.ApprovalDays, CanDecide: sc.CanDecide,
		Excluded: len(sc.Result.InTier(screening.Exclude)) > 0}
	if sc.HasCourse {
		sv.CourseState = sc.Course.State.Label()
	}
	if sc.Intake.CompletedAt != nil {
		sv.IntakeDate = tf.Date(*sc.Intake.CompletedAt)
	}
	for _, fr := range sc.Result.Fired {
		row := ruleRow(fr.Rule)
		row.Evidence = fr.Evidence
		sv.Fired = append(sv.Fired, row)
	}
	for _, u := range sc.Result.Undecided {
		sv.Undecided = append(sv.Undecided, u.Rule.Title+": "+u.Reason)
	}
	sv.Unrecognised = sc.Result.Unrecognised
	for _, r := range screening.Rules() {
		sv.Rules = append(sv.Rules, ruleRow(r))
	}
	sv.Meds, _ = medLines(sc.Intake.Answers.Medications)
	if bmi, ok := sc.Intake.Answers.BMI(); ok {
		sv.BMI = strconv.FormatFloat(bmi, 'f', 1, 64)
	}
	sv.Hopes = sc.Intake.Answers.Values["hopes"]
	if d := sc.Decision; d != nil {
		dv := view.DecisionLine{Kind: d.Kind.Label(), Tier: d.Tier.Label(), Note: d.Note, When: tf.Date(d.DecidedAt),
			By: sc.DecidedBy, Expired: sc.Lapsed, Rules: sc.RuleTitles}
		if d.Kind.Approves() {
			// Calendar days of the clinic, as the screening gate counts.
			if sc.Lapsed {
				dv.Expires = "This approval expired on " + tf.Day(sc.ExpiresOn) + " (calendar days of the clinic)."
			} else {
				dv.Expires = "Valid until " + tf.Day(sc.ExpiresOn) + ": it holds through " + tf.Day(sc.ExpiresOn.AddDays(-1)) +
					", counted in the clinic's calendar days."
			}
		}
		sv.Decision = &dv
	}
	p := s.page(r, "Screening: "+sc.Client.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Screening(p, sv))
}

// ruleRow is a screening rule as the page lists it, with its source and
// where Doorway's tier departs from a source's.
func ruleRow(r screening.Rule) view.FiredRule {
	return view.FiredRule{ID: r.ID, Tier: string(r.Tier), TierLabel: r.Tier.Label(), Title: r.Title,
		Reason: r.Reason, Source: r.SourceText(), Departures: r.Departures()}
}

// medLines lays out the client's medicines with each benzodiazepine's daily
// dose in diazepam-equivalents, and the total of those (the figure the
// screening rule compares with its limit); "" when there is none.
func medLines(meds []intake.Medication) ([]view.MedLine, string) {
	var out []view.MedLine
	total, any := 0.0, false
	for _, m := range meds {
		row := view.MedLine{Name: m.Name, Daily: num(m.DailyMG()) + " mg a day", Class: string(m.Class)}
		if rs := m.Recognised(); len(rs) > 0 {
			var names []string
			for _, x := range rs {
				names = append(names, x.Generic+" ("+x.Class.Label()+")")
			}
			row.Recognised = "Recognised: " + strings.Join(names, ", ") + "."
		} else if strings.TrimSpace(m.Name) != "" {
			row.Recognised, row.Unrecognised = "Not recognised by name: not an interacting medicine Doorway knows; check it by hand.", true
		}
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
	id := r.PathValue("id")
	f := view.DecisionForm{Kind: r.PostFormValue("kind"), Note: strings.TrimSpace(r.PostFormValue("note"))}
	d, err := s.app.DecideScreening(r.Context(), s.actor(r), id, screening.Decision{Kind: screening.DecisionKind(f.Kind), Note: f.Note})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f.Errors = errs
			s.renderScreening(w, r, http.StatusBadRequest, f, "")
		})
		return
	}
	s.renderScreening(w, r, http.StatusOK, view.DecisionForm{}, "The decision is recorded: "+strings.ToLower(d.Kind.Label())+".")
}

// returnLine is a note that sent a course back to intake, as the client and
// the care team read it, with its time in tf.
func returnLine(ret store.IntakeReturn, tf timefmt.Format) *view.ReturnLine {
	return &view.ReturnLine{By: ret.ByName, When: view.When(ret.At, tf), Note: ret.Note}
}
