package care

import (
	"time"

	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/timefmt"
)

// Settings are the clinic's thresholds for the gates. A zero field takes the
// default from DESIGN.md §3 and CLINICAL.md §3, so Settings{} is the default
// clinic.
type Settings struct {
	// Screening holds how long an approval lasts (default 180 days [C]).
	Screening screening.Settings

	// BaselineInstruments must each be completed within BaselineDays before
	// the session. Nil means the default, PHQ-9 and GAD-7; an empty, non-nil
	// list means the clinic requires none.
	BaselineInstruments []Instrument
	BaselineDays        int // default 14

	// MinPreparationSessions documented before the first dose (default 1).
	MinPreparationSessions int

	// FastingHours without food before the dose (default 4 [V R39]; some
	// clinics ask 6 [V R40a]).
	FastingHours float64

	// ConfirmBP: a pre-dose BP above it needs a prescriber's confirmation
	// (default 140/90 [S R8]). HoldBP: above it there is no dose today, and no
	// override (default 180/100 [V R12]).
	ConfirmBP screening.BP
	HoldBP    screening.BP

	// Pre-dose heart rate above MaxHeartRate, or SpO2 below MinSpO2, needs a
	// prescriber's confirmation. CLINICAL.md gives no pre-dose limits for
	// these; the defaults are its in-session alert lines (120 bpm, 92% [C]).
	MaxHeartRate int
	MinSpO2      int

	// PreDoseVitalsMinutes: the pre-dose BP, heart rate and SpO2 count only
	// when taken within this many minutes before the dose (default 60,
	// CLINICAL.md §3).
	PreDoseVitalsMinutes int

	// CSSRSHighMonths: a C-SSRS result at the high tier blocks the dose for
	// this many calendar months, through the same date that many months on,
	// unless a prescriber on the care team overrides (default 1, "within the
	// past month" [V R46a, R16]).
	CSSRSHighMonths int

	// Time is the clinic's zone and clock: the gates' reasons name days as
	// the clinic's calendar has them, and times as its clock does. A nil
	// zone is UTC.
	Time timefmt.Format
}

// Instrument names a measure: ID as the measures package knows it, Name as
// people read it.
type Instrument struct {
	ID   string
	Name string
}

// DefaultBaseline is the default baseline: PHQ-9 and GAD-7.
func DefaultBaseline() []Instrument {
	return []Instrument{{ID: "phq9", Name: "PHQ-9"}, {ID: "gad7", Name: "GAD-7"}}
}

// DefaultSettings returns the defaults, spelled out.
func DefaultSettings() Settings {
	return Settings{
		Screening:              screening.DefaultSettings(),
		BaselineInstruments:    DefaultBaseline(),
		BaselineDays:           14,
		MinPreparationSessions: 1,
		FastingHours:           4,
		ConfirmBP:              screening.BP{Systolic: 140, Diastolic: 90},
		HoldBP:                 screening.BP{Systolic: 180, Diastolic: 100},
		MaxHeartRate:           120,
		MinSpO2:                92,
		PreDoseVitalsMinutes:   60,
		CSSRSHighMonths:        1,
	}
}

// WithDefaults fills every zero field with its default, for pages that say
// what the thresholds are.
func (s Settings) WithDefaults() Settings { return s.withDefaults() }

func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.Time.Loc == nil {
		s.Time.Loc = time.UTC
	}
	if s.BaselineInstruments == nil {
		s.BaselineInstruments = d.BaselineInstruments
	}
	if s.BaselineDays == 0 {
		s.BaselineDays = d.BaselineDays
	}
	if s.MinPreparationSessions == 0 {
		s.MinPreparationSessions = d.MinPreparationSessions
	}
	if s.FastingHours == 0 {
		s.FastingHours = d.FastingHours
	}
	if s.ConfirmBP.Systolic == 0 {
		s.ConfirmBP.Systolic = d.ConfirmBP.Systolic
	}
	if s.ConfirmBP.Diastolic == 0 {
		s.ConfirmBP.Diastolic = d.ConfirmBP.Diastolic
	}
	if s.HoldBP.Systolic == 0 {
		s.HoldBP.Systolic = d.HoldBP.Systolic
	}
	if s.HoldBP.Diastolic == 0 {
		s.HoldBP.Diastolic = d.HoldBP.Diastolic
	}
	if s.MaxHeartRate == 0 {
		s.MaxHeartRate = d.MaxHeartRate
	}
	if s.MinSpO2 == 0 {
		s.MinSpO2 = d.MinSpO2
	}
	if s.PreDoseVitalsMinutes == 0 {
		s.PreDoseVitalsMinutes = d.PreDoseVitalsMinutes
	}
	if s.CSSRSHighMonths == 0 {
		s.CSSRSHighMonths = d.CSSRSHighMonths
	}
	if s.Screening.ApprovalDays == 0 {
		s.Screening.ApprovalDays = d.Screening.ApprovalDays
	}
	return s
}

// Validate refuses settings an admin could not have meant. Zero fields are
// allowed: they mean "the default".
func (s Settings) Validate() error {
	if err := s.Screening.Validate(); err != nil {
		return err
	}
	switch {
	case s.BaselineDays < 0:
		return problem.Invalidf("baseline_days", "The baseline window cannot be negative.")
	case s.MinPreparationSessions < 0:
		return problem.Invalidf("min_preparation_sessions", "The number of preparation sessions cannot be negative.")
	case s.FastingHours < 0 || s.FastingHours > 24:
		return problem.Invalidf("fasting_hours", "Fasting must be between 0 and 24 hours.")
	case s.MaxHeartRate < 0 || s.MaxHeartRate > 250:
		return problem.Invalidf("max_heart_rate", "The heart rate limit must be between 1 and 250.")
	case s.MinSpO2 < 0 || s.MinSpO2 > 100:
		return problem.Invalidf("min_spo2", "The SpO2 limit must be between 1 and 100%%.")
	case s.PreDoseVitalsMinutes < 0 || s.PreDoseVitalsMinutes > 240:
		return problem.Invalidf("pre_dose_vitals_minutes", "The pre-dose readings must be taken between 1 and 240 minutes before the dose.")
	case s.CSSRSHighMonths < 0 || s.CSSRSHighMonths > 12:
		return problem.Invalidf("cssrs_high_months", "A high C-SSRS result blocks doses for 1 to 12 months.")
	}
	for _, in := range s.BaselineInstruments {
		if in.ID == "" || in.Name == "" {
			return problem.Invalidf("baseline_instruments", "Each baseline instrument needs an id and a name.")
		}
	}
	d := s.withDefaults()
	// A confirm line above the hold line would let a reading skip confirmation
	// and go straight to a hold, or never need confirming at all.
	if d.ConfirmBP.Systolic > d.HoldBP.Systolic || d.ConfirmBP.Diastolic > d.HoldBP.Diastolic {
		return problem.Invalidf("confirm_bp", "The blood pressure that needs confirmation (%s) must not be above the hold line (%s).", d.ConfirmBP, d.HoldBP)
	}
	return nil
}
