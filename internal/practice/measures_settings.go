package practice

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The clinic's measures settings, as its admin reads and changes them.

// MeasureSettingsForm is the clinic's measures settings as an admin edits
// them: the values as stored (or typed), each empty for its default.
type MeasureSettingsForm struct {
	// CrisisText is the clinic's own crisis text; "" shows
	// DefaultCrisisText. CrisisCall, CrisisSMS and CrisisEmergency are the
	// numbers behind the buttons; with none of the four set the clinic has
	// the US defaults (Crisis).
	CrisisText                             string
	CrisisCall, CrisisSMS, CrisisEmergency string
	// PCL5Cutoff is the PCL-5 line for probable PTSD, as typed.
	PCL5Cutoff string
	QIDS       bool
	CSSRS      bool
	// CSSRSLicenceConfirmed is the admin's confirmation that the clinic
	// holds a licence for electronic use: the C-SSRS needs it to go on.
	CSSRSLicenceConfirmed bool
	// CSSRSLicence says who confirmed the licence, and when; only read.
	CSSRSLicence string
	// RCI are the reliable-change references as typed, by instrument of
	// RCIInstruments; one absent has none.
	RCI map[string]RCIReference
}

// RCIReference is one instrument's reliable-change reference as typed.
type RCIReference struct {
	SD, Reliability string
}

// The measures settings' fields, named as the settings form names its
// inputs.
const (
	FieldCrisisText      = "crisis_text"
	FieldCrisisCall      = "crisis_call"
	FieldCrisisSMS       = "crisis_sms"
	FieldCrisisEmergency = "crisis_emergency"
	FieldPCL5Cutoff      = "pcl5_cutoff"
	FieldCSSRSLicence    = "cssrs_confirm"
)

// FieldRCISD and FieldRCIReliability name an instrument's reliable-change
// reference fields.
func FieldRCISD(instrumentID string) string          { return "rci_sd_" + instrumentID }
func FieldRCIReliability(instrumentID string) string { return "rci_r_" + instrumentID }

// RCIInstruments are those whose totals a reliable-change reference makes
// sense for, in the catalogue's order.
func RCIInstruments() []*measures.Instrument {
	var out []*measures.Instrument
	for _, in := range measures.All() {
		if in.Tracked() {
			out = append(out, in)
		}
	}
	return out
}

var opMeasureSettings = op{action: "clinic.settings"}

// ReadMeasureSettings is the clinic's measures settings for its admin.
func (s *Service) ReadMeasureSettings(ctx context.Context, a Actor) (MeasureSettingsForm, error) {
	if err := s.allowClinic(ctx, a, opMeasureSettings, access.ClinicSettings, access.Read); err != nil {
		return MeasureSettingsForm{}, err
	}
	var out MeasureSettingsForm
	err := s.read(ctx, a, func(tx *store.Tx) error {
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		m := st.Measures
		out = MeasureSettingsForm{CrisisText: st.Raw[store.SettingCrisisText], CrisisCall: st.Raw[store.SettingCrisisCall],
			CrisisSMS: st.Raw[store.SettingCrisisSMS], CrisisEmergency: st.Raw[store.SettingCrisisEmergency], PCL5Cutoff: strconv.Itoa(m.Scoring.PCL5Cutoff),
			QIDS: m.QIDS, CSSRS: m.CSSRS, CSSRSLicenceConfirmed: m.CSSRS, CSSRSLicence: m.CSSRSLicence, RCI: map[string]RCIReference{}}
		for _, in := range RCIInstruments() {
			sdKey, rKey := store.SettingRCI(in.ID)
			if sd, r := st.Raw[sdKey], st.Raw[rKey]; sd != "" || r != "" {
				out.RCI[in.ID] = RCIReference{SD: sd, Reliability: r}
			}
		}
		return nil
	})
	return out, err
}

// licenceTime is how the licence confirmation dates itself.
const licenceTime = "Jan 2, 2006 3:04 PM MST"

// SaveMeasureSettings checks and stores the clinic's measures settings,
// recording the changes in one audit entry. Every field in error is
// refused at once, each a problem.Invalid naming its field (errors.Join),
// and nothing is saved. Switching the C-SSRS on needs the licence
// confirmed; who confirmed it, and when, is kept while it stays on.
func (s *Service) SaveMeasureSettings(ctx context.Context, a Actor, f MeasureSettingsForm) error {
	if err := s.allowClinic(ctx, a, opMeasureSettings, access.ClinicSettings, access.Write); err != nil {
		return err
	}
	values, err := measureSettingValues(f)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		current, err := tx.ClinicSettings(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		switch {
		case f.CSSRS && current[store.SettingCSSRSEnabled] != "1":
			values[store.SettingCSSRSLicence] = "Licence for electronic use confirmed by " + a.Name + " on " + now.In(a.Location()).Format(licenceTime) + "."
		case !f.CSSRS:
			values[store.SettingCSSRSLicence] = ""
		}
		err = s.saveSettings(ctx, tx, a, current, values, "measures", func(k, _ string) string { return k })
		if problem.FieldOf(err) == store.SettingCrisisText {
			// The store names the setting; the admin wrote the crisis text.
			return problem.Invalidf(FieldCrisisText, "%s", problem.MessageOf(err))
		}
		return err
	})
}

// measureSettingValues checks the form and turns it into the settings rows
// it sets, each "" for its default.
func measureSettingValues(f MeasureSettingsForm) (map[string]string, error) {
	var errs []error
	values := map[string]string{store.SettingCrisisText: strings.TrimSpace(f.CrisisText), store.SettingQIDSEnabled: switchValue(f.QIDS),
		store.SettingCSSRSEnabled: switchValue(f.CSSRS)}
	for _, n := range []struct{ field, key, typed string }{
		{FieldCrisisCall, store.SettingCrisisCall, f.CrisisCall},
		{FieldCrisisSMS, store.SettingCrisisSMS, f.CrisisSMS},
		{FieldCrisisEmergency, store.SettingCrisisEmergency, f.CrisisEmergency},
	} {
		v, err := checkCrisisNumber(n.field, n.typed)
		if err != nil {
			errs = append(errs, err)
		}
		values[n.key] = v
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.PCL5Cutoff)); err != nil || n < 1 || n > 80 {
		errs = append(errs, problem.Invalidf(FieldPCL5Cutoff, "Enter a whole number from 1 to 80; clinics use 31 to 33."))
	} else if n == measures.DefaultPCL5Cutoff {
		values[store.SettingPCL5Cutoff] = ""
	} else {
		values[store.SettingPCL5Cutoff] = strconv.Itoa(n)
	}
	if f.CSSRS && !f.CSSRSLicenceConfirmed {
		errs = append(errs, problem.Invalidf(FieldCSSRSLicence, "Confirm that the clinic holds a licence for electronic use before switching the C-SSRS on."))
	}
	for _, in := range RCIInstruments() {
		sdKey, rKey := store.SettingRCI(in.ID)
		ref := f.RCI[in.ID]
		sd, rel := strings.TrimSpace(ref.SD), strings.TrimSpace(ref.Reliability)
		if sd == "" && rel == "" {
			values[sdKey], values[rKey] = "", ""
			continue
		}
		sdv, err1 := strconv.ParseFloat(sd, 64)
		rv, err2 := strconv.ParseFloat(rel, 64)
		if err1 != nil || !(sdv > 0) || sdv > 1000 {
			errs = append(errs, problem.Invalidf(FieldRCISD(in.ID), "Enter a standard deviation above 0, such as 5.7, or leave both empty."))
		}
		if err2 != nil || !(rv >= 0 && rv < 1) {
			errs = append(errs, problem.Invalidf(FieldRCIReliability(in.ID), "Enter a reliability from 0 to below 1, such as 0.84, or leave both empty."))
		}
		values[sdKey], values[rKey] = strconv.FormatFloat(sdv, 'f', -1, 64), strconv.FormatFloat(rv, 'f', -1, 64)
	}
	return values, errors.Join(errs...)
}

// switchValue is a switch as the settings store it.
func switchValue(on bool) string {
	if on {
		return "1"
	}
	return ""
}
