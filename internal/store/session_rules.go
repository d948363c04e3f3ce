package store

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
)

// SessionRules are one clinic's rules for medicine sessions: dose units and
// usual ranges per route, pre-dose, alert and discharge limits
// (session.Settings), the monitoring protocol, and how long a medicine
// session is booked for. Every page and API that checks a dose, evaluates
// vitals or discharges a client reads them here, so a clinic's edit takes
// effect everywhere at once.
type SessionRules struct {
	Settings session.Settings
	Protocol session.Protocol
	// MedicineMinutes is how long a medicine session is booked for when the
	// booking form leaves the length empty (SettingMedicineMinutes).
	MedicineMinutes int
	// Ignored names the stored settings that no longer pass validation and
	// were replaced by their defaults when the rules were loaded. A rule
	// tightened in a later release, or a row edited by hand, must never
	// break a session page: it is set aside, logged, and shown to the admin.
	Ignored []string
}

// DefaultSessionRules are CLINICAL.md's defaults. Each call returns fresh
// maps and slices, so a caller may change them.
func DefaultSessionRules() SessionRules {
	return SessionRules{Settings: session.DefaultSettings(), Protocol: session.DefaultProtocol(), MedicineMinutes: DefaultMedicineMinutes}
}

// Bounds on the booked length of a medicine session, as the booking form
// bounds a length typed in.
const (
	minMedicineMinutes = 15
	maxMedicineMinutes = 720
	// maxProtocolPoints keeps a protocol something a person can read, and its
	// stored text well inside maxSettingValueBytes.
	maxProtocolPoints = 24
)

// Validate checks rules as a whole: each part by its own rules, and the
// booked length against the minimum observation, since a session booked
// shorter than the client must be watched would end with them still in the
// chair. The field of an error is the setting's key.
func (r SessionRules) Validate() error {
	if err := r.Settings.Validate(); err != nil {
		return rekey(err, "session.")
	}
	if len(r.Protocol.Points) > maxProtocolPoints {
		return problem.Invalidf(keyProtocol+"points", "A protocol has at most %d time points.", maxProtocolPoints)
	}
	if err := r.Protocol.Validate(); err != nil {
		return rekey(err, keyProtocol)
	}
	switch {
	case r.MedicineMinutes < minMedicineMinutes || r.MedicineMinutes > maxMedicineMinutes:
		return problem.Invalidf(SettingMedicineMinutes, "A medicine session is booked for between %d and %d minutes.", minMedicineMinutes, maxMedicineMinutes)
	case r.MedicineMinutes < r.Protocol.MinObservation:
		return problem.Invalidf(SettingMedicineMinutes, "A medicine session booked for %d minutes is shorter than the minimum observation of %d minutes; book it for at least that long.",
			r.MedicineMinutes, r.Protocol.MinObservation)
	}
	return nil
}

// rekey moves a validation error onto the setting's key. The protocol names
// its points one by one ("points.3"); they are one setting.
func rekey(err error, prefix string) error {
	f := problem.FieldOf(err)
	if f == "" || problem.CodeOf(err) != problem.Invalid {
		return err
	}
	if strings.HasPrefix(f, "points.") {
		f = "points"
	}
	return problem.Invalidf(prefix+f, "%s", problem.MessageOf(err))
}

// RuleSection groups the session rules as the settings page shows them, each
// with its own "restore defaults".
type RuleSection string

const (
	SectionRoutes    RuleSection = "routes"
	SectionPreDose   RuleSection = "pre_dose"
	SectionAlerts    RuleSection = "alerts"
	SectionDischarge RuleSection = "discharge"
	SectionProtocol  RuleSection = "protocol"
	SectionSchedule  RuleSection = "schedule"
)

// RuleSections lists the sections in page order.
func RuleSections() []RuleSection {
	return []RuleSection{SectionRoutes, SectionPreDose, SectionAlerts, SectionDischarge, SectionProtocol, SectionSchedule}
}

// RuleField is one editable session rule: the clinic_settings key it is
// stored under, and how its value reads and writes as text. The key is also
// the field a validation error names, so a page can put each message beside
// its input.
type RuleField struct {
	Key     string
	Section RuleSection
	// Route is the route a per-route field belongs to; "" for the others.
	Route session.Route
	// Optional fields take "0" (shown empty) for "no bound": the usual ranges.
	Optional bool
	get      func(SessionRules) string
	set      func(*SessionRules, string) error
}

// Value is the field's value in r, as stored and as a form shows it (except
// that an optional field's "0" shows as empty).
func (f RuleField) Value(r SessionRules) string { return f.get(r) }

// Set reads text into r. A wrong value is a problem.Invalid naming f.Key,
// with a message for the person who typed it.
func (f RuleField) Set(r *SessionRules, text string) error {
	text = strings.TrimSpace(text)
	if f.Optional && text == "" {
		text = "0"
	}
	return f.set(r, text)
}

const (
	keySession  = "session."
	keyProtocol = "session.protocol."
)

// SessionRuleFields lists every editable session rule, section by section.
// The list is built once: every page that reads the clinic's settings turns
// the stored rules into SessionRules through it, and building its closures
// and keys afresh each time was a measurable part of a small page. It is
// clipped, so a caller's append copies rather than writes into it.
func SessionRuleFields() []RuleField { return slices.Clip(sessionRuleFields()) }

var sessionRuleFields = sync.OnceValue(buildSessionRuleFields)

func buildSessionRuleFields() []RuleField {
	var out []RuleField
	for _, rt := range session.Routes() {
		prefix := keySession + "routes." + string(rt) + "."
		route := func(key string, optional bool, get func(session.RouteSettings) string, set func(*session.RouteSettings, string, string) error) {
			out = append(out, RuleField{Key: prefix + key, Section: SectionRoutes, Route: rt, Optional: optional,
				get: func(r SessionRules) string { return get(r.Settings.Route(rt)) },
				set: func(r *SessionRules, s string) error {
					rs := r.Settings.Route(rt)
					if err := set(&rs, prefix+key, s); err != nil {
						return err
					}
					if r.Settings.Routes == nil {
						r.Settings.Routes = map[session.Route]session.RouteSettings{}
					}
					r.Settings.Routes[rt] = rs
					return nil
				}})
		}
		mg := func(p func(*session.RouteSettings) *session.Mg) (func(session.RouteSettings) string, func(*session.RouteSettings, string, string) error) {
			return func(rs session.RouteSettings) string { return p(&rs).Number() },
				func(rs *session.RouteSettings, key, s string) (err error) {
					*p(rs), err = session.ParseMg(key, s)
					return err
				}
		}
		perKg := func(p func(*session.RouteSettings) *session.MgPerKg) (func(session.RouteSettings) string, func(*session.RouteSettings, string, string) error) {
			return func(rs session.RouteSettings) string { return trimZeros(p(&rs).Number()) },
				func(rs *session.RouteSettings, key, s string) (err error) {
					*p(rs), err = session.ParseMgPerKg(key, s)
					return err
				}
		}
		g, s := mg(func(rs *session.RouteSettings) *session.Mg { return &rs.UnitMg })
		route("unit_mg", false, g, s)
		g, s = mg(func(rs *session.RouteSettings) *session.Mg { return &rs.UsualMinMg })
		route("usual_min_mg", true, g, s)
		g, s = mg(func(rs *session.RouteSettings) *session.Mg { return &rs.UsualMaxMg })
		route("usual_max_mg", true, g, s)
		if rt.WeightBasedAllowed() {
			g, s = perKg(func(rs *session.RouteSettings) *session.MgPerKg { return &rs.UsualMinPerKg })
			route("usual_min_per_kg", true, g, s)
			g, s = perKg(func(rs *session.RouteSettings) *session.MgPerKg { return &rs.UsualMaxPerKg })
			route("usual_max_per_kg", true, g, s)
		}
		if rt == session.IV {
			// Shown as the line in force: 1.00 mg/kg/h unless the clinic
			// set a lower one (the session package refuses a higher one).
			route("confirm_above_per_kg_hour", false,
				func(rs session.RouteSettings) string { return trimZeros(rs.IVRateLimit().Number()) },
				func(rs *session.RouteSettings, key, s string) (err error) {
					rs.ConfirmAbovePerKgHour, err = session.ParseMgPerKgHour(key, s)
					if rs.ConfirmAbovePerKgHour == (session.RouteSettings{}).IVRateLimit() {
						rs.ConfirmAbovePerKgHour = 0 // the default, as DefaultRouteSettings has it
					}
					return err
				})
		}
	}
	bp := func(sec RuleSection, key string, p func(*SessionRules) *session.BPLimit) {
		out = append(out, RuleField{Key: keySession + key, Section: sec,
			get: func(r SessionRules) string { return p(&r).String() },
			set: func(r *SessionRules, s string) (err error) { *p(r), err = parseBP(keySession+key, s); return err }})
	}
	num := func(sec RuleSection, key string, p func(*SessionRules) *int) {
		out = append(out, RuleField{Key: key, Section: sec,
			get: func(r SessionRules) string { return strconv.Itoa(*p(&r)) },
			set: func(r *SessionRules, s string) (err error) { *p(r), err = parseWhole(key, s); return err }})
	}
	bp(SectionPreDose, "pre_dose.confirm", func(r *SessionRules) *session.BPLimit { return &r.Settings.PreDose.Confirm })
	bp(SectionPreDose, "pre_dose.hold", func(r *SessionRules) *session.BPLimit { return &r.Settings.PreDose.Hold })

	bp(SectionAlerts, "alerts.bp_sustained", func(r *SessionRules) *session.BPLimit { return &r.Settings.Alerts.BPSustained })
	num(SectionAlerts, keySession+"alerts.bp_sustained_minutes", func(r *SessionRules) *int { return &r.Settings.Alerts.BPSustainedMinutes })
	bp(SectionAlerts, "alerts.bp_severe", func(r *SessionRules) *session.BPLimit { return &r.Settings.Alerts.BPSevere })
	num(SectionAlerts, keySession+"alerts.hr_above", func(r *SessionRules) *int { return &r.Settings.Alerts.HRAbove })
	num(SectionAlerts, keySession+"alerts.hr_sustained_minutes", func(r *SessionRules) *int { return &r.Settings.Alerts.HRSustainedMinutes })
	num(SectionAlerts, keySession+"alerts.spo2_below", func(r *SessionRules) *int { return &r.Settings.Alerts.SpO2Below })
	out = append(out, RuleField{Key: keySession + "alerts.sedation_at_or_below", Section: SectionAlerts,
		get: func(r SessionRules) string { return strconv.Itoa(int(r.Settings.Alerts.SedationAtOrBelow)) },
		set: func(r *SessionRules, s string) error {
			n, err := parseWhole(keySession+"alerts.sedation_at_or_below", s)
			r.Settings.Alerts.SedationAtOrBelow = session.Sedation(n)
			return err
		}})
	num(SectionAlerts, keySession+"alerts.hr_below", func(r *SessionRules) *int { return &r.Settings.Alerts.HRBelow })
	num(SectionAlerts, keySession+"alerts.systolic_below", func(r *SessionRules) *int { return &r.Settings.Alerts.SystolicBelow })

	bp(SectionDischarge, "discharge.bp", func(r *SessionRules) *session.BPLimit { return &r.Settings.Discharge.BP })
	num(SectionDischarge, keySession+"discharge.heart_rate", func(r *SessionRules) *int { return &r.Settings.Discharge.HeartRate })
	num(SectionDischarge, keySession+"discharge.spo2", func(r *SessionRules) *int { return &r.Settings.Discharge.SpO2 })
	num(SectionDischarge, keySession+"discharge.max_age_minutes", func(r *SessionRules) *int { return &r.Settings.Discharge.MaxAgeMinutes })
	num(SectionDischarge, keySession+"discharge.within_percent", func(r *SessionRules) *int { return &r.Settings.Discharge.WithinPercent })
	bp(SectionDischarge, "discharge.return_bp", func(r *SessionRules) *session.BPLimit { return &r.Settings.Discharge.ReturnBP })
	num(SectionDischarge, keySession+"discharge.return_hr_min", func(r *SessionRules) *int { return &r.Settings.Discharge.ReturnHRMin })
	num(SectionDischarge, keySession+"discharge.return_hr_max", func(r *SessionRules) *int { return &r.Settings.Discharge.ReturnHRMax })

	out = append(out, RuleField{Key: keyProtocol + "points", Section: SectionProtocol,
		get: func(r SessionRules) string { return FormatPoints(r.Protocol.Points) },
		set: func(r *SessionRules, s string) (err error) {
			r.Protocol.Points, err = ParsePoints(keyProtocol+"points", s)
			return err
		}})
	num(SectionProtocol, keyProtocol+"repeat_every", func(r *SessionRules) *int { return &r.Protocol.RepeatEvery })
	measures := func(key string, p func(*SessionRules) *[]session.Measure) {
		out = append(out, RuleField{Key: keyProtocol + key, Section: SectionProtocol,
			get: func(r SessionRules) string { return formatMeasures(*p(&r)) },
			set: func(r *SessionRules, s string) (err error) {
				*p(r), err = parseMeasures(keyProtocol+key, s)
				return err
			}})
	}
	measures("repeat_measures", func(r *SessionRules) *[]session.Measure { return &r.Protocol.RepeatMeasures })
	measures("discharge_measures", func(r *SessionRules) *[]session.Measure { return &r.Protocol.DischargeMeasures })
	num(SectionProtocol, keyProtocol+"min_observation", func(r *SessionRules) *int { return &r.Protocol.MinObservation })
	num(SectionProtocol, keyProtocol+"tolerance", func(r *SessionRules) *int { return &r.Protocol.Tolerance })
	num(SectionProtocol, keyProtocol+"pre_dose_window", func(r *SessionRules) *int { return &r.Protocol.PreDoseWindow })

	num(SectionSchedule, SettingMedicineMinutes, func(r *SessionRules) *int { return &r.MedicineMinutes })
	return out
}

// trimZeros shows 0.50 mg/kg as 0.5 in a form, as people type it.
func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func parseBP(field, s string) (session.BPLimit, error) {
	sys, dia, ok := strings.Cut(s, "/")
	a, err1 := strconv.Atoi(strings.TrimSpace(sys))
	b, err2 := strconv.Atoi(strings.TrimSpace(dia))
	if !ok || err1 != nil || err2 != nil {
		return session.BPLimit{}, problem.Invalidf(field, "Write the blood pressure as systolic/diastolic in whole numbers, such as 180/110.")
	}
	return session.BPLimit{Systolic: a, Diastolic: b}, nil
}

func parseWhole(field, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, problem.Invalidf(field, "Enter a whole number, such as 15.")
	}
	return n, nil
}

func formatMeasures(ms []session.Measure) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, ",")
}

// parseMeasures reads "bp,hr,spo2". Emptiness is the protocol's to judge.
func parseMeasures(field, s string) ([]session.Measure, error) {
	var out []session.Measure
	for _, p := range strings.Split(s, ",") {
		m := session.Measure(strings.TrimSpace(p))
		if m == "" {
			continue
		}
		if !m.Valid() {
			return nil, problem.Invalidf(field, "Choose measures from blood pressure, heart rate, SpO2 and alertness.")
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// FormatPoints writes a protocol's time points as stored:
// "0:bp,hr,spo2 15:bp,hr,spo2 ...".
func FormatPoints(pts []session.Point) string {
	parts := make([]string, len(pts))
	for i, p := range pts {
		parts[i] = strconv.Itoa(p.Minute) + ":" + formatMeasures(p.Measures)
	}
	return strings.Join(parts, " ")
}

// ParsePoints reads FormatPoints's text. Order and spacing of minutes are
// the protocol's to judge (session.Protocol.Validate).
func ParsePoints(field, s string) ([]session.Point, error) {
	var out []session.Point
	for _, p := range strings.Fields(s) {
		minute, ms, ok := strings.Cut(p, ":")
		n, err := strconv.Atoi(minute)
		if !ok || err != nil || n < 0 {
			return nil, problem.Invalidf(field, "Each time point is a minute after the dose (0 or more) with its measures.")
		}
		m, err := parseMeasures(field, ms)
		if err != nil {
			return nil, err
		}
		out = append(out, session.Point{Minute: n, Measures: m})
	}
	return out, nil
}

// SessionRules loads the clinic's session rules: CLINICAL.md's defaults,
// with each setting the clinic has stored in its place. A stored value that
// cannot be read, or that no longer validates with the rest, falls back to
// its default and is logged, so a session page never breaks on a setting.
func (t *Tx) SessionRules(ctx context.Context, clinicID string) (SessionRules, error) {
	raw, err := t.ClinicSettings(ctx, clinicID)
	if err != nil {
		return SessionRules{}, err
	}
	return SessionRulesFrom(clinicID, raw), nil
}

// SessionRulesFrom is SessionRules read from the clinic's settings as
// ClinicSettings returns them; a stored value that is not valid is logged.
func SessionRulesFrom(clinicID string, raw map[string]string) SessionRules {
	r := sessionRulesFrom(raw)
	for _, k := range r.Ignored {
		slog.Warn("a stored session rule is not valid; its default applies", "clinic", clinicID, "key", k)
	}
	return r
}

// sessionRulesFrom applies stored settings over the defaults. Validation
// runs over the whole, because some rules depend on others (a hold line
// must not be below the confirm line), so a value can be fine alone and
// wrong with its neighbours. When the whole fails, the stored setting the
// error names goes back to its default; when the error names a setting
// still at its default, the stored setting whose default clears that error
// does; if none does, every stored setting does. Each round reverts one
// setting at least, and the defaults validate, so this ends.
func sessionRulesFrom(raw map[string]string) SessionRules {
	r := DefaultSessionRules()
	def := DefaultSessionRules()
	fields := SessionRuleFields()
	applied := map[string]bool{}
	var ignored []string
	revert := func(f RuleField) {
		f.set(&r, f.get(def)) // #nosec G104 -- a field's own default always passes its own check
		delete(applied, f.Key)
		ignored = append(ignored, f.Key)
	}
	for _, f := range fields {
		v, ok := raw[f.Key]
		if !ok {
			continue
		}
		if err := f.set(&r, v); err != nil {
			revert(f)
			continue
		}
		applied[f.Key] = true
	}
	for {
		err := r.Validate()
		if err == nil {
			break
		}
		key := problem.FieldOf(err)
		culprit := slices.IndexFunc(fields, func(f RuleField) bool { return f.Key == key && applied[f.Key] })
		for i, f := range fields {
			if culprit >= 0 {
				break
			}
			if !applied[f.Key] {
				continue
			}
			trial := r.clone()
			f.set(&trial, f.get(def)) // #nosec G104 -- a field's own default always passes its own check
			if e := trial.Validate(); e == nil || problem.FieldOf(e) != key {
				culprit = i
			}
		}
		if culprit >= 0 {
			revert(fields[culprit])
			continue
		}
		for _, f := range fields {
			if applied[f.Key] {
				revert(f)
			}
		}
		if r.Validate() != nil {
			// Unreachable while the defaults validate (a test holds them
			// to it); never loop on a broken build.
			r = DefaultSessionRules()
		}
		break
	}
	if slices.ContainsFunc(fields, func(f RuleField) bool { return f.Section == SectionProtocol && applied[f.Key] }) {
		r.Protocol.Name = "The clinic's protocol"
	}
	slices.Sort(ignored)
	r.Ignored = slices.Compact(ignored)
	return r
}

// clone copies r deeply enough for RuleField.Set: route settings live in a
// map that Set writes into; slices are replaced whole, never written into.
func (r SessionRules) clone() SessionRules {
	c := r
	c.Settings.Routes = maps.Clone(r.Settings.Routes)
	c.Ignored = slices.Clone(r.Ignored)
	return c
}

// RuleChange is one setting a save changed, as its text before and after.
type RuleChange struct {
	Key, Old, New string
}

// SaveSessionRules stores r as the clinic's session rules. r must validate
// as a whole, or nothing is stored. A value equal to its default is stored
// as no row at all, so the clinic follows the default if it later changes.
// It returns what changed, from the rules in force before, for the audit.
func (t *Tx) SaveSessionRules(ctx context.Context, clinicID string, r SessionRules, by string, at time.Time) ([]RuleChange, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	raw, err := t.ClinicSettings(ctx, clinicID)
	if err != nil {
		return nil, err
	}
	before, def := sessionRulesFrom(raw), DefaultSessionRules()
	var out []RuleChange
	for _, f := range SessionRuleFields() {
		val := f.get(r)
		row := val
		if val == f.get(def) {
			row = ""
		}
		if raw[f.Key] == row {
			continue
		}
		if err := t.SetClinicSetting(ctx, clinicID, f.Key, row, by, at); err != nil {
			return nil, err
		}
		if old := f.get(before); old != val {
			out = append(out, RuleChange{Key: f.Key, Old: old, New: val})
		}
	}
	return out, nil
}
