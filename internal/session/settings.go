package session

// Settings are one clinic's thresholds for medicine sessions. Monitoring
// protocols are separate (Protocol), because a clinic may keep several.
type Settings struct {
	// Routes holds per-route units and usual ranges. A route missing from the
	// map uses DefaultRouteSettings, so a clinic that never customised IV
	// still gets the reference range rather than none.
	Routes    map[Route]RouteSettings
	PreDose   PreDoseLimits
	Alerts    AlertLimits
	Discharge DischargeLimits
}

// DefaultSettings are the CLINICAL.md defaults.
func DefaultSettings() Settings {
	s := Settings{
		Routes:    map[Route]RouteSettings{},
		PreDose:   DefaultPreDoseLimits(),
		Alerts:    DefaultAlertLimits(),
		Discharge: DefaultDischargeLimits(),
	}
	for _, r := range routes {
		s.Routes[r] = DefaultRouteSettings(r)
	}
	return s
}

// Route returns the settings for r.
func (s Settings) Route(r Route) RouteSettings {
	if rs, ok := s.Routes[r]; ok {
		return rs
	}
	return DefaultRouteSettings(r)
}

// Validate checks settings a clinic has edited.
func (s Settings) Validate() error {
	for _, r := range routes {
		if err := s.Route(r).validate(r); err != nil {
			return err
		}
	}
	if err := s.PreDose.validate(); err != nil {
		return err
	}
	if err := s.Alerts.validate(); err != nil {
		return err
	}
	return s.Discharge.validate()
}
