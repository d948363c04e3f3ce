package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The admin's page for the thresholds of screening and of the course gates
// (CLINICAL.md §1 and §3, DESIGN.md §3). Each field shows its default and
// where the default comes from; an empty field, or the default itself, is
// stored as no setting at all, so the clinic follows the default.

// threshold is one number on the page.
type threshold struct {
	name, key    string
	label, hint  string
	unit         string
	def          float64
	lo, hi       float64
	whole        bool // a whole number
	source       string
	sourceRuleID string // a screening rule whose sources are the source
}

var thresholds = []threshold{
	{name: "bp_systolic", key: store.SettingScreeningBPSystolic, label: "Resting blood pressure limit, systolic", unit: "mmHg",
		hint: "A resting pressure above the limit that is untreated or poorly controlled excludes.", def: 180, lo: 80, hi: 300, whole: true,
		sourceRuleID: "exclude.uncontrolled_bp"},
	{name: "bp_diastolic", key: store.SettingScreeningBPDiastolic, label: "Resting blood pressure limit, diastolic", unit: "mmHg",
		def: 100, lo: 40, hi: 200, whole: true, sourceRuleID: "exclude.uncontrolled_bp"},
	{name: "benzo_mg", key: store.SettingScreeningBenzoMG, label: "Benzodiazepine limit", unit: "mg diazepam-equivalent a day",
		hint: "A total daily dose above it needs the prescriber's review.", def: 8, lo: 0.5, hi: 1000, sourceRuleID: "review.benzodiazepine"},
	{name: "bmi", key: store.SettingScreeningBMI, label: "BMI limit", hint: "A BMI above it needs the prescriber's review.",
		def: 35, lo: 15, hi: 100, sourceRuleID: "review.bmi"},
	{name: "stop_bang", key: store.SettingScreeningStopBang, label: "STOP-BANG score that needs review",
		hint: "A score at or above it needs the prescriber's review; clinics that want only high risk set 5.", def: 3, lo: 1, hi: 8, whole: true,
		source: "[C] the score at which STOP-BANG counts as a positive screen for sleep apnoea", sourceRuleID: "review.sleep_apnoea"},
	{name: "age_from", key: store.SettingScreeningAgeFrom, label: "Age shown to the care team", unit: "years",
		hint: "Clients this age or older are flagged for information.", def: 65, lo: 18, hi: 130, whole: true, sourceRuleID: "info.age"},
	{name: "approval_days", key: store.SettingScreeningApproval, label: "How long a screening approval lasts", unit: "days",
		hint: "After this a prescriber must renew the approval.", def: 180, lo: 1, hi: 3650, whole: true,
		source: "[C] a common convention (CLINICAL.md §1)"},
	{name: "baseline_days", key: store.SettingBaselineDays, label: "Baseline measures must be done within", unit: "days",
		hint: "Of the medicine session.", def: 14, lo: 1, hi: 365, whole: true, source: "DESIGN.md §3"},
	{name: "min_prep", key: store.SettingMinPrepSessions, label: "Preparation sessions before the first dose",
		hint: "Documented by the care team.", def: 1, lo: 1, hi: 20, whole: true,
		source: "DESIGN.md §3 (at least one); courses seen in practice have 3 [V R17b] Field Trip KAP outcomes"},
	{name: "fasting_hours", key: store.SettingFastingHours, label: "Fasting before the dose", unit: "hours",
		hint: "No food for this long; the client's preparation pages say it.", def: 4, lo: 0.5, hi: 24,
		source: "[V R39] KAP consent form (jotform); clinics vary: 6 h food and 2 h clear liquids [V R40a] Balance Health FAQ"},
}

func (t threshold) sourceText() string {
	if t.sourceRuleID == "" {
		return t.source
	}
	r, _ := screening.RuleByID(t.sourceRuleID)
	if t.source != "" {
		return t.source + "; the rule: " + r.SourceText()
	}
	return r.SourceText()
}

// check reads a typed value: "" for the default (empty, or the default
// itself), the value as stored, or a message for the field.
func (t threshold) check(typed string) (stored string, msg string) {
	if typed == "" {
		return "", ""
	}
	n, err := strconv.ParseFloat(typed, 64)
	bad := err != nil || n < t.lo || n > t.hi || (t.whole && n != float64(int(n)))
	if bad {
		kind := "a number"
		if t.whole {
			kind = "a whole number"
		}
		return "", fmt.Sprintf("Enter %s from %s to %s, or leave it empty for the default (%s).", kind, num(t.lo), num(t.hi), num(t.def))
	}
	if n == t.def {
		return "", ""
	}
	return num(n), ""
}

// baselineChoices are the instruments a baseline may require: those with a
// total score.
func baselineChoices() []*measures.Instrument {
	var out []*measures.Instrument
	for _, in := range measures.All() {
		if in.ID != measures.CSSRSScreen && in.ID != measures.CSSRSScreenSLC {
			out = append(out, in)
		}
	}
	return out
}

// baselineStored is the stored form of the ticked instruments: "" when they
// are the default (PHQ-9 and GAD-7), BaselineNone when none is ticked.
func baselineStored(ticked []string) string {
	if len(ticked) == 0 {
		return store.BaselineNone
	}
	var def []string
	for _, in := range care.DefaultBaseline() {
		def = append(def, in.ID)
	}
	if slices.Equal(slices.Sorted(slices.Values(ticked)), slices.Sorted(slices.Values(def))) {
		return ""
	}
	return strings.Join(ticked, ",")
}

// screeningSettingsForm lays out the page from the stored values (raw) or
// what was typed (typed, when the form is shown again).
func screeningSettingsForm(raw map[string]string, typed map[string]string, ticked []string, rules store.SessionRules) view.ScreeningSettingsForm {
	f := view.ScreeningSettingsForm{}
	for _, t := range thresholds {
		fld := view.ThresholdField{Name: t.name, Label: t.label, Hint: t.hint, Unit: t.unit, Default: num(t.def), Source: t.sourceText(),
			Set: raw[t.key] != "", Value: raw[t.key], Decimal: !t.whole}
		if typed != nil {
			fld.Value = typed[t.name]
		}
		f.Fields = append(f.Fields, fld)
	}
	if ticked == nil {
		switch v := raw[store.SettingBaselineInstruments]; v {
		case "":
			for _, in := range care.DefaultBaseline() {
				ticked = append(ticked, in.ID)
			}
		case store.BaselineNone:
			ticked = []string{}
		default:
			ticked = strings.Split(v, ",")
		}
	}
	f.BaselineSet = raw[store.SettingBaselineInstruments] != ""
	for _, in := range baselineChoices() {
		f.Baseline = append(f.Baseline, view.BaselineChoice{ID: in.ID, Title: in.ShortTitle, Ticked: slices.Contains(ticked, in.ID)})
	}
	s := rules.Settings
	f.SessionLines = []string{
		"Pre-dose blood pressure above " + s.PreDose.Confirm.String() + ": a prescriber must confirm before dosing.",
		"Pre-dose blood pressure above " + s.PreDose.Hold.String() + ": hold, no dose today.",
		"Pre-dose heart rate above " + strconv.Itoa(s.Alerts.HRAbove) + " or SpO2 below " + strconv.Itoa(s.Alerts.SpO2Below) + "%: a prescriber must confirm.",
	}
	return f
}

func (s *Server) showScreeningSettings(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicSettings, access.Read) {
		return
	}
	raw, rules, err := s.screeningSettingsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Screening and gates", "/admin/settings")
	if r.URL.Query().Get("saved") == "1" {
		p.Flash, p.FlashKind = "Screening and gate settings saved.", "ok"
	}
	s.render(w, r, http.StatusOK, view.ScreeningSettings(p, screeningSettingsForm(raw, nil, nil, rules)))
}

// screeningSettingsData reads what the screening settings page shows: the
// viewer's clinic's stored settings and its session rules.
func (s *Server) screeningSettingsData(r *http.Request) (map[string]string, store.SessionRules, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	var raw map[string]string
	var rules store.SessionRules
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if raw, err = tx.ClinicSettings(ctx, v.P.ClinicID); err != nil {
			return err
		}
		rules, err = tx.SessionRules(ctx, v.P.ClinicID)
		return err
	})
	return raw, rules, err
}

func (s *Server) doScreeningSettings(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicSettings, access.Write) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	// An unticked checkbox sends nothing, so "no baseline questionnaires"
	// looks like a missing field; the marker says the whole form was sent,
	// and a post without it changes nothing.
	if err := r.ParseForm(); err != nil || r.PostFormValue("form") != "screening" {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read; please open the page and save it again."))
		return
	}
	errs := view.FieldErrors{}
	typed := map[string]string{}
	values := map[string]string{}
	for _, t := range thresholds {
		typed[t.name] = strings.TrimSpace(r.PostFormValue(t.name))
		stored, msg := t.check(typed[t.name])
		if msg != "" {
			errs[t.name] = msg
		}
		values[t.key] = stored
	}
	ticked := []string{}
	for _, id := range r.PostForm["baseline"] {
		if !slices.ContainsFunc(baselineChoices(), func(in *measures.Instrument) bool { return in.ID == id }) {
			errs["baseline"] = "Choose the baseline questionnaires from the list."
			continue
		}
		if !slices.Contains(ticked, id) {
			ticked = append(ticked, id)
		}
	}
	values[store.SettingBaselineInstruments] = baselineStored(ticked)
	if len(errs) > 0 {
		raw, rules, err := s.screeningSettingsData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f := screeningSettingsForm(raw, typed, ticked, rules)
		f.Errors = errs
		s.render(w, r, http.StatusBadRequest, view.ScreeningSettings(s.page(r, "Screening and gates", "/admin/settings"), f))
		return
	}
	now := s.now()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		raw, err := tx.ClinicSettings(ctx, v.P.ClinicID)
		if err != nil {
			return err
		}
		return s.saveClinicSettings(ctx, tx, r, raw, values, now, "screening and gates", func(k, v string) string { return k + "=" + displaySetting(v) })
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Back to the page by GET, so a reload does not post again.
	http.Redirect(w, r, "/admin/screening?saved=1", http.StatusSeeOther)
}

// saveClinicSettings stores each of values that differs from current, in
// key order, and records one audit entry naming the changes ("what: a, b"),
// each as show words it; when nothing changed, nothing is recorded. The
// settings pages save their forms through it.
func (s *Server) saveClinicSettings(ctx context.Context, tx *store.Tx, r *http.Request, current, values map[string]string, now time.Time,
	what string, show func(key, value string) string) error {
	v := viewerOf(r.Context())
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if current[k] == values[k] {
			continue
		}
		if err := tx.SetClinicSetting(ctx, v.P.ClinicID, k, values[k], v.P.UserID, now); err != nil {
			return err
		}
		changed = append(changed, show(k, values[k]))
	}
	if len(changed) == 0 {
		return nil
	}
	return s.recordTx(ctx, tx, r, audit.Entry{Action: "clinic.settings", ResourceType: "clinic", ResourceID: v.P.ClinicID,
		Detail: what + ": " + strings.Join(changed, ", "), Severity: audit.High})
}

// displaySetting is a stored value as the audit detail shows it.
func displaySetting(v string) string {
	if v == "" {
		return "default"
	}
	return v
}
