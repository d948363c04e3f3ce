package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The admin's page of medicine-session rules (store.SessionRules): every
// field with its default and source beside it, saved whole or not at all,
// each change audited with its old and new value (practice/session_rules.go).

func (s *Server) sessionRulesRoutes() []Route {
	return []Route{
		{"GET", "/admin/session-rules", StaffOnly, s.showSessionRules},
		{"POST", "/admin/session-rules", StaffOnly, s.doSessionRules},
	}
}

// ruleText is what the page says about a rule: its label, unit and source.
type ruleText struct {
	label, unit, source string
}

// Sources are CLINICAL.md's, with its tags: [V] read in the source, [S] a
// secondary summary, [C] a common convention with no primary source.
var sessionRuleTexts = map[string]ruleText{
	"unit_mg":          {"Rounds down to", "mg", ""},
	"usual_min_mg":     {"Usual dose at least", "mg", ""},
	"usual_max_mg":     {"Usual dose at most", "mg", ""},
	"usual_min_per_kg": {"Usual dose at least", "mg/kg", ""},
	"usual_max_per_kg": {"Usual dose at most", "mg/kg", ""},
	"confirm_above_per_kg_hour": {"A prescriber confirms an infusion faster than", "mg/kg/h",
		"\"Low dose\" is at most 1 mg/kg/h [V R26]; the clinic may set a lower line, not a higher one. An order above 1 mg/kg is refused whatever the line (1–4.5 mg/kg is anaesthetic induction [V R11d])."},

	"session.pre_dose.confirm": {"A prescriber confirms the dose above", "mmHg", "CLINICAL.md §3 [S R8]."},
	"session.pre_dose.hold":    {"No dose today above", "mmHg", "CLINICAL.md §3 [V R12]."},

	"session.alerts.bp_sustained":         {"Blood pressure at or above", "mmHg", "On two readings minutes apart. CLINICAL.md §3 [S R36, C]."},
	"session.alerts.bp_sustained_minutes": {"…on readings at least this far apart", "min", "CLINICAL.md §3 [S R36, C]."},
	"session.alerts.bp_severe":            {"Blood pressure at or above, once", "mmHg", "CLINICAL.md §3 [S R36, C]."},
	"session.alerts.hr_above":             {"Heart rate above", "beats/min", "CLINICAL.md §3 [S R36, C]. Before the dose, a heart rate above it needs a prescriber's confirmation."},
	"session.alerts.hr_sustained_minutes": {"…for at least", "min", "CLINICAL.md §3 [S R36, C]."},
	"session.alerts.spo2_below":           {"SpO2 below", "%", "CLINICAL.md §3 [C]. Before the dose, an SpO2 below it needs a prescriber's confirmation."},
	"session.alerts.sedation_at_or_below": {"Sedation: MOAA/S at or below", "(0–4)", "1: responds only to a painful stimulus, or not at all: deep sedation. CLINICAL.md §3 [V R3, R61]."},
	"session.alerts.hr_below":             {"Heart rate below", "beats/min", "CLINICAL.md §3 [C]."},
	"session.alerts.systolic_below":       {"Systolic pressure below", "mmHg", "CLINICAL.md §3 [C]."},

	"session.discharge.bp":              {"Blood pressure not above", "mmHg", "The pre-dose hold line [C]."},
	"session.discharge.heart_rate":      {"Heart rate not above", "beats/min", "The heart-rate alert line [C]."},
	"session.discharge.spo2":            {"SpO2 not below", "%", "The SpO2 alert line [C]."},
	"session.discharge.max_age_minutes": {"Last reading taken within", "min", "Doorway's convention [C]."},
	"session.discharge.within_percent":  {"Back to the client's own level: blood pressure and heart rate within", "% of the pre-dose reading", "PADSS, Chung 1995 [V R62]."},
	"session.discharge.return_bp":       {"…or blood pressure at or below", "mmHg", "CLINICAL.md §3 [V R62]."},
	"session.discharge.return_hr_min":   {"…with heart rate from", "beats/min", "CLINICAL.md §3 [V R62]."},
	"session.discharge.return_hr_max":   {"…to", "beats/min", "CLINICAL.md §3 [V R62]."},

	"session.protocol.repeat_every":    {"Then a reading every", "min", "CLINICAL.md §3 [V R2, R33]; 0 for none."},
	"session.protocol.min_observation": {"Minimum observation after the dose", "min", "CLINICAL.md §3, the esketamine rule [V R3]."},
	"session.protocol.tolerance":       {"A reading counts for a point within", "min either side", "Doorway's convention [C]."},
	"session.protocol.pre_dose_window": {"The pre-dose reading counts when taken within", "min before the dose", "CLINICAL.md §3: BP, heart rate and SpO2 within the 60 minutes before the dose. The day's gates read it too."},

	store.SettingMedicineMinutes: {"A medicine session is booked for", "min", "Arrival and checks, the minimum observation and discharge; Doorway's convention [C]."},
}

// routeSources are CLINICAL.md §2's sources for each route's defaults.
var routeSources = map[session.Route]string{
	session.Lozenge:    "CLINICAL.md §2: 50 and 100 mg units, usual 100–400 mg [V R27].",
	session.RDT:        "CLINICAL.md §2: 50 and 100 mg units, usual 100–400 mg [V R27].",
	session.IM:         "CLINICAL.md §2: 0.5–0.75 mg/kg [V R30]; rounding to a whole mg is Doorway's convention.",
	session.IV:         "CLINICAL.md §2: studied 0.1–0.75 mg/kg, 0.5 mg/kg the convention [V R20]; rounding to a whole mg is Doorway's convention.",
	session.Intranasal: "CLINICAL.md §2: 56 or 84 mg in 28 mg devices [V R9].",
}

var sectionTitles = map[store.RuleSection][2]string{
	store.SectionRoutes: {"Dose units and usual ranges", "A dose outside the usual range needs a prescriber's confirmation. " +
		"Lozenges and tablets come in 50 or 100 mg units and an esketamine device holds 28 mg; a dose rounds down to the unit. " +
		"Leave a bound empty for none."},
	store.SectionPreDose: {"Pre-dose blood pressure", "Checked on the reading before the dose. Above the first line a prescriber must confirm; above the second there is no dose that day, and no override."},
	store.SectionAlerts:  {"Alerts during a session", "An alert shows at once on the live view and waits for a clinician's acknowledgement; it never acts on its own."},
	store.SectionDischarge: {"Discharge", "The last vital signs must be within the absolute limits below (CLINICAL.md gives no numbers for them; the defaults reuse the session's other lines) " +
		"and back to the client's own level: within a percentage of their pre-dose reading, or at or below a blood pressure with a heart rate in a range (PADSS [V R62]). " +
		"The minimum observation counts from the end of administration."},
	store.SectionProtocol: {"Monitoring protocol", "When vital signs are taken and which, from the reading before the dose to discharge."},
	store.SectionSchedule: {"Booking", ""},
}

// ruleForm is the page's form as typed: each rule's text by key, the
// protocol's points, and the two lists of measures.
type ruleForm struct {
	values    map[string]string
	points    []view.PointRow
	repeat    []session.Measure
	discharge []session.Measure
}

var allMeasures = []session.Measure{session.BP, session.HR, session.SpO2, session.Alertness}

func measureLabel(m session.Measure) string {
	if m == session.SpO2 {
		return "SpO2"
	}
	l := m.Label()
	return strings.ToUpper(l[:1]) + l[1:]
}

func measureChoices(checked []session.Measure) []view.MeasureChoice {
	var out []view.MeasureChoice
	for _, m := range allMeasures {
		out = append(out, view.MeasureChoice{Value: string(m), Label: measureLabel(m), Checked: slices.Contains(checked, m)})
	}
	return out
}

func measuresText(ms []session.Measure) string {
	labels := make([]string, len(ms))
	for i, m := range ms {
		labels[i] = m.Label()
	}
	return strings.Join(labels, ", ")
}

// emptyPointRows is how many blank rows the protocol editor offers for new points.
const emptyPointRows = 3

// ruleFormOf is the form for rules as they stand.
func ruleFormOf(r store.SessionRules) ruleForm {
	f := ruleForm{values: map[string]string{}, repeat: r.Protocol.RepeatMeasures, discharge: r.Protocol.DischargeMeasures}
	for _, fd := range store.SessionRuleFields() {
		v := fd.Value(r)
		if fd.Optional && v == "0" {
			v = ""
		}
		f.values[fd.Key] = v
	}
	for _, pt := range r.Protocol.Points {
		f.points = append(f.points, view.PointRow{Minute: strconv.Itoa(pt.Minute), Choices: measureChoices(pt.Measures)})
	}
	return f
}

// view builds the page model: the form's values beside the defaults.
func (f ruleForm) view(ignored []string, errs view.FieldErrors) view.SessionRulesForm {
	def := store.DefaultSessionRules()
	out := view.SessionRulesForm{Errors: errs}
	for _, k := range ignored {
		out.Ignored = append(out.Ignored, ruleLabel(k))
	}
	fields := store.SessionRuleFields()
	input := func(fd store.RuleField, text ruleText) view.RuleInput {
		d := fd.Value(def)
		if fd.Optional && d == "0" {
			d = "none"
		} else if text.unit != "" && !strings.HasPrefix(text.unit, "min ") {
			d += " " + text.unit
		}
		return view.RuleInput{Name: fd.Key, Label: text.label, Unit: text.unit, Value: f.values[fd.Key], Default: d, Source: text.source,
			BP: strings.HasSuffix(text.unit, "mmHg"), Number: !strings.HasPrefix(text.unit, "mg")}
	}
	for _, sec := range store.RuleSections() {
		title := sectionTitles[sec]
		sv := view.RuleSectionView{Key: string(sec), Title: title[0], Intro: title[1]}
		if sec == store.SectionRoutes {
			for _, rt := range session.Routes() {
				g := view.RuleGroup{Title: rt.Label(), Note: routeSources[rt]}
				for _, fd := range fields {
					if fd.Route == rt {
						text := sessionRuleTexts[strings.TrimPrefix(fd.Key, "session.routes."+string(rt)+".")]
						g.Inputs = append(g.Inputs, input(fd, text))
					}
				}
				sv.Groups = append(sv.Groups, g)
			}
			out.Sections = append(out.Sections, sv)
			continue
		}
		var g view.RuleGroup
		for _, fd := range fields {
			if fd.Section == sec && fd.Key != "session.protocol.points" && !strings.HasSuffix(fd.Key, "_measures") {
				g.Inputs = append(g.Inputs, input(fd, sessionRuleTexts[fd.Key]))
			}
		}
		sv.Groups = []view.RuleGroup{g}
		if sec == store.SectionProtocol {
			pf := &view.ProtocolForm{Repeat: measureChoices(f.repeat), Discharge: measureChoices(f.discharge),
				RepeatDefault: measuresText(def.Protocol.RepeatMeasures), DischargeDflt: measuresText(def.Protocol.DischargeMeasures),
				Source:      "CLINICAL.md §3 [V R2, R33]: every 15 minutes for the first hour, with a point at 40 minutes, the usual blood-pressure peak.",
				PointsError: errs["session.protocol.points"], RepeatError: errs["session.protocol.repeat_measures"],
				DischargeError: errs["session.protocol.discharge_measures"]}
			var mins []string
			for _, pt := range def.Protocol.Points {
				mins = append(mins, strconv.Itoa(pt.Minute))
			}
			pf.PointsDefault = "minutes " + strings.Join(mins, ", ") + ", each with " + measuresText(def.Protocol.Points[0].Measures)
			pf.Points = append(pf.Points, f.points...)
			for range emptyPointRows {
				pf.Points = append(pf.Points, view.PointRow{Choices: measureChoices(nil)})
			}
			for i := range pf.Points {
				pf.Points[i].Index = i
			}
			sv.Protocol = pf
		}
		out.Sections = append(out.Sections, sv)
	}
	return out
}

// ruleLabel names a rule for people: "Intravenous: usual dose at most (mg/kg)".
func ruleLabel(key string) string {
	for _, rt := range session.Routes() {
		if short, ok := strings.CutPrefix(key, "session.routes."+string(rt)+"."); ok {
			t := sessionRuleTexts[short]
			return rt.Label() + ": " + strings.ToLower(t.label[:1]) + t.label[1:] + " (" + t.unit + ")"
		}
	}
	switch key {
	case "session.protocol.points":
		return "Monitoring protocol: time points"
	case "session.protocol.repeat_measures":
		return "Monitoring protocol: what to record after the last time point"
	case "session.protocol.discharge_measures":
		return "Monitoring protocol: what the last reading before discharge holds"
	}
	if t, ok := sessionRuleTexts[key]; ok {
		return strings.TrimLeft(t.label, "…") + " (" + t.unit + ")"
	}
	return key
}

func (s *Server) renderSessionRules(w http.ResponseWriter, r *http.Request, status int, form view.SessionRulesForm, flash string) {
	p := s.page(r, "Medicine-session rules", "/admin/settings")
	if flash != "" {
		p.Flash, p.FlashKind = flash, "ok"
	}
	s.render(w, r, status, view.SessionRules(p, form))
}

func (s *Server) showSessionRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.app.SessionRules(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash := ""
	switch r.URL.Query().Get("saved") {
	case "1":
		flash = "The medicine-session rules are saved."
	case "restored":
		flash = "That section is back to its defaults."
	}
	s.renderSessionRules(w, r, http.StatusOK, ruleFormOf(rules).view(rules.Ignored, nil), flash)
}

// parseRuleForm reads the posted form into rules, naming every field that
// cannot be read, so all the typing mistakes show at once.
func parseRuleForm(r *http.Request) (store.SessionRules, ruleForm, view.FieldErrors) {
	rules := store.DefaultSessionRules()
	f := ruleForm{values: map[string]string{}}
	errs := view.FieldErrors{}
	for _, fd := range store.SessionRuleFields() {
		var text string
		switch fd.Key {
		case "session.protocol.points":
			text = f.readPoints(r, errs)
		case "session.protocol.repeat_measures", "session.protocol.discharge_measures":
			text = strings.Join(r.PostForm[fd.Key], ",")
		default:
			text = strings.TrimSpace(r.PostFormValue(fd.Key))
			f.values[fd.Key] = text
		}
		if errs.Has(fd.Key) {
			continue
		}
		if err := fd.Set(&rules, text); err != nil {
			errs[fd.Key] = problem.MessageOf(err)
		}
	}
	f.repeat, f.discharge = rules.Protocol.RepeatMeasures, rules.Protocol.DischargeMeasures
	return rules, f, errs
}

// maxPointRows bounds the rows read from the protocol editor.
const maxPointRows = 40

// readPoints reads the protocol editor's rows into the stored text of the
// points, in minute order; rows without a minute are dropped.
func (f *ruleForm) readPoints(r *http.Request, errs view.FieldErrors) string {
	rows, _ := strconv.Atoi(r.PostFormValue("point_rows"))
	rows = min(max(rows, 0), maxPointRows)
	type point struct {
		minute int
		text   string
	}
	var pts []point
	for i := range rows {
		minute := strings.TrimSpace(r.PostFormValue("point_minute_" + strconv.Itoa(i)))
		var ms []session.Measure
		for _, m := range allMeasures {
			if r.PostFormValue("point_"+string(m)+"_"+strconv.Itoa(i)) == "1" {
				ms = append(ms, m)
			}
		}
		if minute == "" {
			if len(ms) > 0 {
				errs["session.protocol.points"] = "A time point has measures ticked but no minute; give its minute, or untick them."
			}
			continue
		}
		f.points = append(f.points, view.PointRow{Minute: minute, Choices: measureChoices(ms)})
		n, err := strconv.Atoi(minute)
		if err != nil || n < 0 {
			errs["session.protocol.points"] = "Each time point's minute is a whole number of minutes after the dose, 0 or more, such as 15."
			continue
		}
		parts := make([]string, len(ms))
		for j, m := range ms {
			parts[j] = string(m)
		}
		pts = append(pts, point{n, minute + ":" + strings.Join(parts, ",")})
	}
	slices.SortStableFunc(pts, func(a, b point) int { return cmp.Compare(a.minute, b.minute) })
	texts := make([]string, len(pts))
	for i, p := range pts {
		texts[i] = p.text
	}
	return strings.Join(texts, " ")
}

func (s *Server) doSessionRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := s.actor(r)
	// The form is read only for one who may change the rules: anyone else
	// is refused as absent, whatever they sent.
	if err := s.app.MayChangeSessionRules(ctx, a); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	if sec := r.PostFormValue("restore"); sec != "" {
		restored, err := s.app.RestoreSessionRules(ctx, a, sec)
		if f := problem.FieldOf(err); f != "" {
			// The section's defaults clash with a rule kept elsewhere
			// (a booking shorter than the default observation, say).
			s.renderSessionRules(w, r, http.StatusBadRequest, ruleFormOf(restored).view(nil, view.FieldErrors{f: problem.MessageOf(err)}), "")
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/session-rules?saved=restored", http.StatusSeeOther)
		return
	}
	rules, form, errs := parseRuleForm(r)
	if len(errs) == 0 {
		err := s.app.SaveSessionRules(ctx, a, rules)
		if f := problem.FieldOf(err); f != "" {
			errs[f] = problem.MessageOf(err)
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		page := form.view(nil, errs)
		if known := slices.ContainsFunc(store.SessionRuleFields(), func(fd store.RuleField) bool { return errs.Has(fd.Key) }); !known {
			for _, m := range errs {
				page.Other = m
			}
		}
		s.renderSessionRules(w, r, http.StatusBadRequest, page, "")
		return
	}
	// Back to the page by GET, so a reload does not post again.
	http.Redirect(w, r, "/admin/session-rules?saved=1", http.StatusSeeOther)
}
