package practice

import (
	"context"
	"doorway/internal/timefmt"

	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/store"
)

// Settings are a clinic's settings, typed, with every default filled in
// and every value checked: the one place the settings rows become values a
// rule can use. A request reads them once (Actor's memo).
type Settings struct {
	Clinic store.Clinic
	// Raw are the stored rows, for the admin pages that show what the
	// clinic set beside the defaults.
	Raw map[string]string
	// CrisisText is shown to a client whose answers raised a safety flag;
	// Crisis holds it with the numbers behind the call and text buttons.
	CrisisText string
	Crisis     Crisis
	Measures   MeasureSettings
	Screening  screening.Settings
	Session    store.SessionRules
	// Gates are the course and day-of gates' thresholds, the screening
	// approval's length and the pre-dose lines of the session rules
	// included, so each number is set in one place.
	Gates care.Settings
	// Time writes every date and time the clinic's people see: its zone,
	// one date format, and its clock (24-hour unless it chose 12).
	Time timefmt.Format
}

// MeasureSettings are the clinic's measurement-based-care settings.
type MeasureSettings struct {
	Scoring    measures.Settings
	Thresholds measures.Thresholds
	// QIDS and CSSRS say whether the licensed instruments are switched on.
	QIDS, CSSRS  bool
	CSSRSLicence string
	// RCI holds the clinic's reliable-change references, by instrument.
	RCI      map[string]measures.Reference
	Protocol measures.Protocol
}

// settings are the actor's clinic's settings, read once per request.
func (s *Service) settings(ctx context.Context, tx *store.Tx, a Actor) (*Settings, error) {
	if a.memo != nil && a.memo.settings != nil && a.memo.settings.Clinic.ID == a.P.ClinicID {
		return a.memo.settings, nil
	}
	clinic := a.Clinic
	if clinic.ID != a.P.ClinicID {
		var err error
		if clinic, err = tx.Clinic(ctx, a.P.ClinicID); err != nil {
			return nil, err
		}
	}
	st, err := settingsOf(ctx, tx, clinic)
	if err != nil {
		return nil, err
	}
	if a.memo != nil {
		a.memo.settings = st
	}
	return st, nil
}

// TimeFormat is how the actor's clinic writes dates and times, for the
// pages and PDFs: read once per request with the other settings.
func (s *Service) TimeFormat(ctx context.Context, a Actor) timefmt.Format {
	if a.memo != nil && a.memo.settings != nil && a.memo.settings.Clinic.ID == a.P.ClinicID {
		return a.memo.settings.Time
	}
	var st *Settings
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { st, err = s.settings(ctx, tx, a); return err })
	if err != nil || st == nil {
		// The clinic's zone with the default clock: a page still shows
		// its times rightly if the settings cannot be read.
		return timefmt.New(a.Clinic.Location(), "")
	}
	return st.Time
}

// settingsOf reads and types a clinic's settings.
func settingsOf(ctx context.Context, tx *store.Tx, clinic store.Clinic) (*Settings, error) {
	raw, err := tx.ClinicSettings(ctx, clinic.ID)
	if err != nil {
		return nil, err
	}
	return typedSettings(clinic, raw), nil
}

// typedSettings turns the rows into values. A row that cannot be read
// falls back to its default rather than breaking a page: each value was
// checked when it was saved, and the defaults are safe.
func typedSettings(clinic store.Clinic, raw map[string]string) *Settings {
	st := &Settings{Clinic: clinic, Raw: raw,
		Crisis: crisisOf(raw),
		Measures: MeasureSettings{
			Scoring:      measures.Settings{PCL5Cutoff: store.SettingInt(raw, store.SettingPCL5Cutoff, measures.DefaultPCL5Cutoff)},
			Thresholds:   measures.DefaultThresholds(),
			QIDS:         store.SettingBool(raw, store.SettingQIDSEnabled),
			CSSRS:        store.SettingBool(raw, store.SettingCSSRSEnabled),
			CSSRSLicence: raw[store.SettingCSSRSLicence],
			RCI:          map[string]measures.Reference{},
			Protocol:     measures.DefaultProtocol(),
		},
		Screening: store.ScreeningSettingsFrom(raw),
		Session:   store.SessionRulesFrom(clinic.ID, raw),
		Time:      timefmt.New(clinic.Location(), raw[store.SettingClock]),
	}
	st.CrisisText = st.Crisis.Text
	for _, in := range measures.All() {
		sdKey, rKey := store.SettingRCI(in.ID)
		sd, ok1 := store.SettingFloat(raw, sdKey)
		rel, ok2 := store.SettingFloat(raw, rKey)
		if ok1 && ok2 {
			st.Measures.RCI[in.ID] = measures.Reference{SD: sd, Reliability: rel}
		}
	}
	st.Gates = gateSettings(clinic, raw, st.Screening, st.Session)
	return st
}

// gateSettings are the gates' thresholds: the screening settings (how long
// an approval lasts), the course-gate settings (baseline measures,
// preparation sessions, fasting), and the pre-dose lines of the session
// rules and the protocol's pre-dose window, which the gates read rather
// than keep a second copy of.
func gateSettings(clinic store.Clinic, raw map[string]string, scr screening.Settings, rules store.SessionRules) care.Settings {
	gs := store.GateSettingsFrom(raw)
	pre, alerts := rules.Settings.PreDose, rules.Settings.Alerts
	set := care.Settings{
		Screening:              scr,
		BaselineDays:           gs.BaselineDays,
		MinPreparationSessions: gs.MinPreparationSessions,
		FastingHours:           gs.FastingHours,
		ConfirmBP:              screening.BP{Systolic: pre.Confirm.Systolic, Diastolic: pre.Confirm.Diastolic},
		HoldBP:                 screening.BP{Systolic: pre.Hold.Systolic, Diastolic: pre.Hold.Diastolic},
		MaxHeartRate:           alerts.HRAbove,
		MinSpO2:                alerts.SpO2Below,
		PreDoseVitalsMinutes:   rules.Protocol.PreDoseWindow,
		Time:                   timefmt.New(clinic.Location(), raw[store.SettingClock]),
	}
	if gs.BaselineInstruments != nil {
		set.BaselineInstruments = []care.Instrument{}
		for _, id := range gs.BaselineInstruments {
			set.BaselineInstruments = append(set.BaselineInstruments, care.Instrument{ID: id, Name: InstrumentName(id)})
		}
	}
	if set.Validate() != nil {
		// Each part was checked when saved; a combination that no longer
		// holds (say the session rules moved) must not stop every course
		// page, so the gates fall back to the defaults, which are safe.
		def := care.DefaultSettings()
		def.Time = set.Time
		return def
	}
	return set.WithDefaults()
}

// InstrumentName is an instrument's short title, or its id if unknown.
func InstrumentName(id string) string {
	if in, ok := measures.ByID(id); ok {
		return in.ShortTitle
	}
	return id
}

// FieldInstrument names the instrument in a problem: one the clinic does
// not use is NotFound there.
const FieldInstrument = "instrument"

// InstrumentEnabled reports whether the clinic uses an instrument. Those
// shipped off (QIDS-SR16, both C-SSRS versions) need the clinic to switch
// them on after confirming its licence.
func (st *Settings) InstrumentEnabled(in *measures.Instrument) bool {
	switch in.ID {
	case measures.QIDSSR16:
		return st.Measures.QIDS
	case measures.CSSRSScreen, measures.CSSRSScreenSLC:
		return st.Measures.CSSRS
	}
	return in.DefaultEnabled
}

// Instrument looks an instrument up by id and refuses one the clinic has
// not switched on, as if it did not exist.
func (st *Settings) Instrument(id string) (*measures.Instrument, error) {
	in, ok := measures.ByID(id)
	if !ok || !st.InstrumentEnabled(in) {
		return nil, &problem.Error{Code: problem.NotFound, Field: FieldInstrument, Message: "That questionnaire is not used at this clinic."}
	}
	return in, nil
}

// Score works a response's result out from its answers alone, with the
// clinic's settings.
func (st *Settings) Score(in *measures.Instrument, a measures.Answers) (measures.Result, error) {
	return measures.ScoreWith(in, a, st.Measures.Scoring)
}
