package practice

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/store"
)

// The clinic's thresholds of screening and of the course gates (CLINICAL.md
// §1 and §3, DESIGN.md §3). Each has a default and a source for it; an
// empty value, or the default itself, is stored as no setting at all, so
// the clinic follows the default.

// Threshold is one number of the screening and gate settings.
type Threshold struct {
	// Name is the threshold's field; Key its setting.
	Name, Key   string
	Label, Hint string
	Unit        string
	Default     float64
	Min, Max    float64
	Whole       bool // a whole number
	source      string
	// sourceRuleID is a screening rule whose sources are the threshold's.
	sourceRuleID string
}

var thresholds = []Threshold{
	{Name: "bp_systolic", Key: store.SettingScreeningBPSystolic, Label: "Resting blood pressure limit, systolic", Unit: "mmHg",
		Hint: "A resting pressure above the limit that is untreated or poorly controlled excludes.", Default: 180, Min: 80, Max: 300, Whole: true,
		sourceRuleID: "exclude.uncontrolled_bp"},
	{Name: "bp_diastolic", Key: store.SettingScreeningBPDiastolic, Label: "Resting blood pressure limit, diastolic", Unit: "mmHg",
		Default: 100, Min: 40, Max: 200, Whole: true, sourceRuleID: "exclude.uncontrolled_bp"},
	{Name: "review_bp_systolic", Key: store.SettingScreeningReviewBPSys, Label: "Known resting blood pressure that needs review, systolic", Unit: "mmHg",
		Hint: "A known resting pressure above it needs the prescriber's review, as does hypertension, treated or not.", Default: 140, Min: 80, Max: 300, Whole: true,
		sourceRuleID: "review.hypertension"},
	{Name: "review_bp_diastolic", Key: store.SettingScreeningReviewBPDia, Label: "Known resting blood pressure that needs review, diastolic", Unit: "mmHg",
		Default: 90, Min: 40, Max: 200, Whole: true, sourceRuleID: "review.hypertension"},
	{Name: "min_age", Key: store.SettingScreeningMinAge, Label: "Youngest age for treatment", Unit: "years",
		Hint: "Anyone younger is excluded; a client without a date of birth cannot be approved. 18 or more.", Default: 18, Min: 18, Max: 130, Whole: true,
		sourceRuleID: "exclude.under_18"},
	{Name: "heart_attack_weeks", Key: store.SettingScreeningHeartWeeks, Label: "A heart attack excludes for", Unit: "weeks",
		Hint: "After the heart attack; later, it is heart disease for the prescriber's review. 6 or more.", Default: 6, Min: 6, Max: 520, Whole: true,
		sourceRuleID: "exclude.recent_heart_attack"},
	{Name: "benzo_mg", Key: store.SettingScreeningBenzoMG, Label: "Benzodiazepine limit", Unit: "mg diazepam-equivalent a day",
		Hint: "A total daily dose above it needs the prescriber's review.", Default: 8, Min: 0.5, Max: 1000, sourceRuleID: "review.benzodiazepine"},
	{Name: "bmi", Key: store.SettingScreeningBMI, Label: "BMI limit", Hint: "A BMI above it needs the prescriber's review.",
		Default: 35, Min: 15, Max: 100, sourceRuleID: "review.bmi"},
	{Name: "stop_bang", Key: store.SettingScreeningStopBang, Label: "STOP-BANG score that needs review",
		Hint: "A score at or above it needs the prescriber's review; clinics that want only high risk set 5.", Default: 3, Min: 1, Max: 8, Whole: true,
		source: "[C] the score at which STOP-BANG counts as a positive screen for sleep apnoea", sourceRuleID: "review.sleep_apnoea"},
	{Name: "age_from", Key: store.SettingScreeningAgeFrom, Label: "Age shown to the care team", Unit: "years",
		Hint: "Clients this age or older are flagged for information.", Default: 65, Min: 18, Max: 130, Whole: true, sourceRuleID: "info.age"},
	{Name: "approval_days", Key: store.SettingScreeningApproval, Label: "How long a screening approval lasts", Unit: "days",
		Hint: "After this a prescriber must renew the approval.", Default: 180, Min: 1, Max: 3650, Whole: true,
		source: "[C] a common convention (CLINICAL.md §1)"},
	{Name: "baseline_days", Key: store.SettingBaselineDays, Label: "Baseline measures must be done within", Unit: "days",
		Hint: "Of the medicine session.", Default: 14, Min: 1, Max: 365, Whole: true, source: "DESIGN.md §3"},
	{Name: "min_prep", Key: store.SettingMinPrepSessions, Label: "Preparation sessions before the first dose",
		Hint: "Documented by the care team.", Default: 1, Min: 1, Max: 20, Whole: true,
		source: "DESIGN.md §3 (at least one); courses seen in practice have 3 [V R17b] Field Trip KAP outcomes"},
	{Name: "fasting_hours", Key: store.SettingFastingHours, Label: "Fasting before the dose", Unit: "hours",
		Hint: "No food for this long; the client's preparation pages say it.", Default: 4, Min: 0.5, Max: 24,
		source: "[V R39] KAP consent form (jotform); clinics vary: 6 h food and 2 h clear liquids [V R40a] Balance Health FAQ"},
}

// Thresholds are the screening and gate settings' numbers, in the order
// the page shows them.
func Thresholds() []Threshold { return slices.Clone(thresholds) }

// Source says where the default comes from.
func (t Threshold) Source() string {
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
func (t Threshold) check(typed string) (stored string, msg string) {
	if typed == "" {
		return "", ""
	}
	n, err := strconv.ParseFloat(typed, 64)
	if err != nil || n < t.Min || n > t.Max || (t.Whole && n != float64(int(n))) {
		kind := "a number"
		if t.Whole {
			kind = "a whole number"
		}
		return "", fmt.Sprintf("Enter %s from %s to %s, or leave it empty for the default (%s).", kind, decimal(t.Min), decimal(t.Max), decimal(t.Default))
	}
	if n == t.Default {
		return "", ""
	}
	return decimal(n), ""
}

// decimal writes a number as short as it reads: 8, 0.5.
func decimal(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// BaselineChoices are the instruments a baseline may require: those with a
// total score.
func BaselineChoices() []*measures.Instrument {
	var out []*measures.Instrument
	for _, in := range measures.All() {
		if in.ID != measures.CSSRSScreen && in.ID != measures.CSSRSScreenSLC {
			out = append(out, in)
		}
	}
	return out
}

// BaselineOf is the instruments a clinic's baseline requires, as stored in
// raw: care's default when it set none.
func BaselineOf(raw map[string]string) []string {
	switch v := raw[store.SettingBaselineInstruments]; v {
	case "":
		var out []string
		for _, in := range care.DefaultBaseline() {
			out = append(out, in.ID)
		}
		return out
	case store.BaselineNone:
		return []string{}
	default:
		return strings.Split(v, ",")
	}
}

// baselineStored is the stored form of the ticked instruments: "" when they
// are the default (PHQ-9 and GAD-7), BaselineNone when none is ticked.
func baselineStored(ticked []string) string {
	if len(ticked) == 0 {
		return store.BaselineNone
	}
	if slices.Equal(slices.Sorted(slices.Values(ticked)), slices.Sorted(slices.Values(BaselineOf(nil)))) {
		return ""
	}
	return strings.Join(ticked, ",")
}

// ScreeningSettingsInput is the screening and gate settings form as an
// admin sent it.
type ScreeningSettingsInput struct {
	// Whole says the whole form was sent. An unticked box sends nothing,
	// so "no baseline questionnaires" looks like a missing field; a post
	// that is not the whole form changes nothing.
	Whole bool
	// Values are the typed thresholds, by Threshold.Name.
	Values map[string]string
	// Baseline are the ticked instruments.
	Baseline []string
}

var (
	opScreeningSettings     = op{action: "clinic.settings.read"}
	opScreeningSettingsSave = op{action: "clinic.settings"}
)

// ScreeningSettings are the clinic's settings as the screening and gate
// settings page shows them: the stored rows, and the session rules whose
// pre-dose lines the gates read.
func (s *Service) ScreeningSettings(ctx context.Context, a Actor) (Settings, error) {
	var out Settings
	err := s.read(ctx, a, func(tx *store.Tx) error {
		if err := s.clinicWide(a, opScreeningSettings, access.ClinicSettings, access.Read, string(access.ClinicSettings), ""); err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if st != nil {
			out = *st
		}
		return err
	})
	return out, err
}

// SaveScreeningSettings saves the screening and gate thresholds and the
// baseline instruments, each checked against its bounds; a refused form
// saves nothing and says what is wrong by field (FieldErrors). The change
// is recorded with each setting's new value.
func (s *Service) SaveScreeningSettings(ctx context.Context, a Actor, in ScreeningSettingsInput) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		if err := s.clinicWide(a, opScreeningSettingsSave, access.ClinicSettings, access.Write, string(access.ClinicSettings), ""); err != nil {
			return err
		}
		if !in.Whole {
			return problem.Invalidf("form", "The form could not be read; please open the page and save it again.")
		}
		errs := FieldErrors{}
		values := map[string]string{}
		for _, t := range thresholds {
			stored, msg := t.check(strings.TrimSpace(in.Values[t.Name]))
			if msg != "" {
				errs[t.Name] = msg
			}
			values[t.Key] = stored
		}
		ticked := []string{}
		for _, id := range in.Baseline {
			if !slices.ContainsFunc(BaselineChoices(), func(in *measures.Instrument) bool { return in.ID == id }) {
				errs["baseline"] = "Choose the baseline questionnaires from the list."
				continue
			}
			if !slices.Contains(ticked, id) {
				ticked = append(ticked, id)
			}
		}
		if len(errs) == 0 {
			// Each number is in bounds; together, a review line above the
			// exclude line would let a pressure between them pass unseen.
			if err := store.ScreeningSettingsOf(values).Validate(); err != nil {
				errs[thresholdOf(problem.FieldOf(err))] = problem.MessageOf(err)
			}
		}
		if err := errs.err(); err != nil {
			return err
		}
		values[store.SettingBaselineInstruments] = baselineStored(ticked)
		current, err := tx.ClinicSettings(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		return s.saveSettings(ctx, tx, a, current, values, "screening and gates", func(k, v string) string {
			if v == "" {
				v = "default"
			}
			return k + "=" + v
		})
	})
}

// thresholdOf is the field of the page that screening.Settings.Validate's
// field names.
func thresholdOf(field string) string {
	switch field {
	case "review_bp_above":
		return "review_bp_systolic"
	case "resting_bp_limit":
		return "bp_systolic"
	}
	for _, t := range thresholds {
		if t.Name == field {
			return field
		}
	}
	return "form"
}
