package screening

import "doorway/internal/problem"

// Settings are the clinic's screening thresholds. Each defaults to the value
// in CLINICAL.md §1; a zero field means "use the default", so Settings{} is
// the default clinic.
type Settings struct {
	// RestingBPLimit: a resting BP above it that is untreated or poorly
	// controlled excludes (default 180/100 [V R12]).
	RestingBPLimit BP
	// ReviewBPAbove: a known resting BP above it needs review, as does
	// hypertension treated or not (default 140/90 [V R2, R8, R12]).
	ReviewBPAbove BP
	// MinAge: clients younger than this are excluded (default 18 [V R4,
	// R16]); a clinic may raise it, never lower it.
	MinAge int
	// HeartAttackWeeks: a heart attack within this many weeks excludes
	// (default 6 [V R9b]).
	HeartAttackWeeks int
	// BenzodiazepineLimitMG: a total benzodiazepine dose above this many mg of
	// diazepam-equivalent per day needs review (default 8 [V R23]).
	BenzodiazepineLimitMG float64
	// BMILimit: a BMI above it needs review (default 35 [V R17a]).
	BMILimit float64
	// StopBangFrom: a STOP-BANG score at or above it needs review. Default 3,
	// the score at which the questionnaire counts as a positive screen for
	// sleep apnoea [C]; clinics that want only high risk set 5.
	StopBangFrom int
	// AgeFrom: clients this age or older are flagged for information
	// (default 65 [V R9]).
	AgeFrom int
	// ApprovalDays: how many days a screening approval stays valid
	// (default 180 [C]).
	ApprovalDays int
}

// DefaultSettings returns CLINICAL.md's defaults.
func DefaultSettings() Settings {
	return Settings{
		RestingBPLimit:        BP{Systolic: 180, Diastolic: 100},
		ReviewBPAbove:         BP{Systolic: 140, Diastolic: 90},
		MinAge:                18,
		HeartAttackWeeks:      6,
		BenzodiazepineLimitMG: 8,
		BMILimit:              35,
		StopBangFrom:          3,
		AgeFrom:               65,
		ApprovalDays:          180,
	}
}

// withDefaults fills every zero field from DefaultSettings.
func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.RestingBPLimit.Systolic == 0 {
		s.RestingBPLimit.Systolic = d.RestingBPLimit.Systolic
	}
	if s.RestingBPLimit.Diastolic == 0 {
		s.RestingBPLimit.Diastolic = d.RestingBPLimit.Diastolic
	}
	if s.ReviewBPAbove.Systolic == 0 {
		s.ReviewBPAbove.Systolic = d.ReviewBPAbove.Systolic
	}
	if s.ReviewBPAbove.Diastolic == 0 {
		s.ReviewBPAbove.Diastolic = d.ReviewBPAbove.Diastolic
	}
	if s.MinAge == 0 {
		s.MinAge = d.MinAge
	}
	if s.HeartAttackWeeks == 0 {
		s.HeartAttackWeeks = d.HeartAttackWeeks
	}
	if s.BenzodiazepineLimitMG == 0 {
		s.BenzodiazepineLimitMG = d.BenzodiazepineLimitMG
	}
	if s.BMILimit == 0 {
		s.BMILimit = d.BMILimit
	}
	if s.StopBangFrom == 0 {
		s.StopBangFrom = d.StopBangFrom
	}
	if s.AgeFrom == 0 {
		s.AgeFrom = d.AgeFrom
	}
	if s.ApprovalDays == 0 {
		s.ApprovalDays = d.ApprovalDays
	}
	return s
}

// Validate refuses settings an admin could not have meant; the message names
// the setting and says what range is allowed. Zero fields pass: they mean
// "the default".
func (s Settings) Validate() error {
	switch {
	case s.RestingBPLimit.Systolic < 0 || s.RestingBPLimit.Systolic > 300:
		return problem.Invalidf("resting_bp_limit", "The resting blood pressure limit must have a systolic value between 1 and 300 mmHg.")
	case s.RestingBPLimit.Diastolic < 0 || s.RestingBPLimit.Diastolic > 200:
		return problem.Invalidf("resting_bp_limit", "The resting blood pressure limit must have a diastolic value between 1 and 200 mmHg.")
	case s.ReviewBPAbove.Systolic < 0 || s.ReviewBPAbove.Systolic > 300 || s.ReviewBPAbove.Diastolic < 0 || s.ReviewBPAbove.Diastolic > 200:
		return problem.Invalidf("review_bp_above", "The blood pressure that needs review must have a systolic value between 1 and 300 mmHg and a diastolic value between 1 and 200 mmHg.")
	case s.MinAge != 0 && (s.MinAge < 18 || s.MinAge > 130):
		return problem.Invalidf("min_age", "The youngest age for treatment must be between 18 and 130: the sources exclude anyone under 18.")
	case s.HeartAttackWeeks != 0 && (s.HeartAttackWeeks < 6 || s.HeartAttackWeeks > 520):
		return problem.Invalidf("heart_attack_weeks", "A recent heart attack excludes for between 6 and 520 weeks: the source excludes at least the 6 weeks after one.")
	case s.BenzodiazepineLimitMG < 0:
		return problem.Invalidf("benzodiazepine_limit_mg", "The benzodiazepine limit cannot be negative.")
	case s.BMILimit < 0 || s.BMILimit > 100:
		return problem.Invalidf("bmi_limit", "The BMI limit must be between 1 and 100.")
	case s.StopBangFrom < 0 || s.StopBangFrom > 8:
		return problem.Invalidf("stop_bang_from", "The STOP-BANG score must be between 1 and 8.")
	case s.AgeFrom < 0 || s.AgeFrom > 130:
		return problem.Invalidf("age_from", "The age must be between 1 and 130.")
	case s.ApprovalDays < 0:
		return problem.Invalidf("approval_days", "The number of days a screening approval stays valid cannot be negative.")
	}
	// A review line above the exclude line would let a resting pressure
	// between them pass without review.
	if d := s.withDefaults(); d.ReviewBPAbove.Systolic > d.RestingBPLimit.Systolic || d.ReviewBPAbove.Diastolic > d.RestingBPLimit.Diastolic {
		return problem.Invalidf("review_bp_above", "The blood pressure that needs review (%s) must not be above the one that excludes (%s).", d.ReviewBPAbove, d.RestingBPLimit)
	}
	return nil
}
