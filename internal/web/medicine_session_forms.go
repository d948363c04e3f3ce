package web

import (
	"net/http"
	"strings"
	"time"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The forms of the medicine session page. Each one reads what was typed,
// hands it to its use case (internal/practice), which asks access, judges
// the record as it is at that moment and writes the change with its audit
// entry; then it redirects back with a notice, or shows the page again
// with what was typed and the refusal by the field.

// readSessionForm parses the request's form; a form that cannot be read is
// answered as such, to someone who may use the form.
func (s *Server) readSessionForm(w http.ResponseWriter, r *http.Request, ff formFields) bool {
	if err := r.ParseForm(); err != nil {
		// A session that cannot be shown is answered as such first.
		if _, lerr := s.app.SessionRecordPage(r.Context(), s.actor(r), sessionTarget(r), ff.writer); lerr != nil {
			s.failSession(w, r, lerr)
			return false
		}
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return false
	}
	return true
}

// clock is the request's time and the clinic's zone, which the times of
// day typed on the page are read in.
// clock is now and the clinic's zone, to read the times typed into a form
// (parsing needs the zone alone, not the settings).
func (s *Server) clock(r *http.Request) (time.Time, *time.Location) {
	return s.now(), viewerOf(r.Context()).Clinic.Location()
}

// readAnswer reads a yes/no question of the checks; empty is not asked.
func readAnswer(field, s string) (*bool, error) {
	switch s {
	case "":
		return nil, nil
	case "yes", "no":
		b := s == "yes"
		return &b, nil
	}
	return nil, problem.Invalidf(field, "Choose one of the answers.")
}

var checklistFields = formFields{form: "checklist", writer: practice.ForClinicianForm, fields: with(same("companion_name", "companion_phone", "last_food",
	"intention", "no_substances", "stimulants_paused", "systolic", "diastolic", "heart_rate", "spo2", "vitals_at"), practice.FieldAt, "vitals_at")}

func (s *Server) doSessionChecklist(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, checklistFields) {
		return
	}
	now, loc := s.clock(r)
	pf := r.PostFormValue
	form := view.SessionForm{CompanionName: strings.TrimSpace(pf("companion_name")), CompanionPhone: strings.TrimSpace(pf("companion_phone")),
		RideConfirmed: pf("ride_confirmed") == "1", LastFood: strings.TrimSpace(pf("last_food")), NoSubstances: pf("no_substances"),
		StimulantsPaused: pf("stimulants_paused"), MedicationsReviewed: pf("medications_reviewed") == "1", Intention: pf("intention")}
	in := practice.ChecklistInput{SessionTarget: sessionTarget(r), CompanionName: form.CompanionName, CompanionPhone: form.CompanionPhone,
		RideConfirmed: form.RideConfirmed, MedicationsReviewed: form.MedicationsReviewed, Intention: form.Intention}
	vitals, err := readVitals(&form, r, now, loc)
	if err == nil && (form.Systolic != "" || form.Diastolic != "" || form.HeartRate != "" || form.SpO2 != "") {
		in.Reading = &vitals
	}
	if err == nil && form.LastFood != "" {
		var t time.Time
		t, err = parseClock("last_food", form.LastFood, now, loc)
		in.LastFoodAt = &t
	}
	if err == nil {
		in.NoSubstances, err = readAnswer("no_substances", form.NoSubstances)
	}
	if err == nil {
		in.StimulantsPaused, err = readAnswer("stimulants_paused", form.StimulantsPaused)
	}
	held := false
	if err == nil {
		held, err = s.app.SavePreDoseChecks(r.Context(), s.actor(r), in)
	}
	if held {
		s.sessionSaved(w, r, err, form, checklistFields, "held", "")
		return
	}
	s.sessionSaved(w, r, err, form, checklistFields, "checklist", "gates-h")
}

var overrideFields = formFields{form: "override_gate", writer: practice.ForPrescriberForm,
	fields: map[string]string{practice.FieldGate: "override_gate", "reason": "override_reason", "by": "override_gate"}}

func (s *Server) doSessionOverride(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, overrideFields) {
		return
	}
	form := view.SessionForm{OverrideGate: r.PostFormValue("gate"), OverrideReason: strings.TrimSpace(r.PostFormValue("reason"))}
	err := s.app.OverrideSessionGate(r.Context(), s.actor(r), practice.OverrideInput{SessionTarget: sessionTarget(r), GateID: form.OverrideGate, Reason: form.OverrideReason})
	s.sessionSaved(w, r, err, form, overrideFields, "override", "gates-h")
}

var confirmFields = formFields{form: "confirm_mg", writer: practice.ForPrescriberForm, fields: map[string]string{practice.FieldMg: "confirm_mg",
	"confirm_mg": "confirm_mg", "confirm_reason": "confirm_reason", "by": "confirm_mg"}}

func (s *Server) doConfirmDose(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, confirmFields) {
		return
	}
	form := view.SessionForm{ConfirmMg: strings.TrimSpace(r.PostFormValue("confirm_mg")), ConfirmReason: strings.TrimSpace(r.PostFormValue("confirm_reason"))}
	mg, err := session.ParseMg("confirm_mg", form.ConfirmMg)
	if err == nil {
		err = s.app.ConfirmDose(r.Context(), s.actor(r), practice.DoseConfirmationInput{SessionTarget: sessionTarget(r), Mg: mg, Reason: form.ConfirmReason})
	}
	s.sessionSaved(w, r, err, form, confirmFields, "confirm", "dose-h")
}

var doseFields = formFields{form: "dose", writer: practice.ForClinicianForm, fields: with(same("weight_kg", "mg", "lot", "given_by", "given_at", "setting_other", "staff",
	"infusion_minutes"), "mg_per_kg", "mg", "confirm_reason", "dose_confirm_reason", "by", "dose_confirm_reason")}

func (s *Server) doSessionDose(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, doseFields) {
		return
	}
	now, loc := s.clock(r)
	pf := r.PostFormValue
	form := view.SessionForm{WeightKg: strings.TrimSpace(pf("weight_kg")), Mg: strings.TrimSpace(pf("mg")), Lot: strings.TrimSpace(pf("lot")),
		GivenBy: pf("given_by"), GivenAt: strings.TrimSpace(pf("given_at")), Music: pf("music") == "1", EyeMask: pf("eye_mask") == "1",
		SettingOther: strings.TrimSpace(pf("setting_other")), Staff: r.PostForm["staff"], DoseConfirmReason: strings.TrimSpace(pf("confirm_reason")),
		InfusionMinutes: strings.TrimSpace(pf("infusion_minutes"))}
	in := practice.DoseInput{SessionTarget: sessionTarget(r), Lot: form.Lot, GivenBy: form.GivenBy, Staff: form.Staff,
		Setting: store.SessionSetting{Music: form.Music, EyeMask: form.EyeMask, Other: form.SettingOther}, ConfirmReason: form.DoseConfirmReason}
	var err error
	in.Weight, err = session.ParseKg("weight_kg", form.WeightKg)
	if err == nil && form.Mg != "" {
		// Left empty, the dose is worked out from the order.
		in.Mg, err = session.ParseMg("mg", form.Mg)
	}
	if err == nil {
		// Left empty, an IV infusion runs over the order's time.
		in.InfusionMinutes, err = parseCount("infusion_minutes", "number of minutes", form.InfusionMinutes)
	}
	if err == nil {
		in.GivenAt, err = parseClock("given_at", form.GivenAt, now, loc)
	}
	if err == nil {
		err = s.app.GiveDose(r.Context(), s.actor(r), in)
	}
	s.sessionSaved(w, r, err, form, doseFields, "dose", "live-panel")
}

var vitalsFields = formFields{form: "vitals", writer: practice.ForClinicianForm,
	fields: with(same("systolic", "diastolic", "heart_rate", "spo2", "sedation", "vitals_at"), practice.FieldAt, "vitals_at")}

func (s *Server) doSessionVitals(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, vitalsFields) {
		return
	}
	var form view.SessionForm
	now, loc := s.clock(r)
	vitals, err := readVitals(&form, r, now, loc)
	if err == nil {
		_, err = s.app.RecordVitals(r.Context(), s.actor(r), practice.VitalsInput{ClientID: r.PathValue("id"), AppointmentID: r.PathValue("appt"), Vitals: vitals})
	}
	s.sessionSaved(w, r, err, form, vitalsFields, "vitals", "live-panel")
}

var endedFields = formFields{form: "ended", writer: practice.ForClinicianForm, fields: with(same("ended_at"), practice.FieldSession, "ended")}

func (s *Server) doAdministrationEnd(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, endedFields) {
		return
	}
	now, loc := s.clock(r)
	form := view.SessionForm{EndedAt: strings.TrimSpace(r.PostFormValue("ended_at"))}
	at, err := parseClock("ended_at", form.EndedAt, now, loc)
	if err == nil {
		err = s.app.RecordAdministrationEnd(r.Context(), s.actor(r), practice.AdministrationEndInput{SessionTarget: sessionTarget(r), At: at})
	}
	s.sessionSaved(w, r, err, form, endedFields, "ended", "ended-h")
}

var strikeFields = formFields{form: "strike_reason", writer: practice.ForClinicianForm, fields: same("strike_reason", "reading")}

func (s *Server) doStrikeVitals(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, strikeFields) {
		return
	}
	form := view.SessionForm{StrikeReading: r.PostFormValue("reading"), StrikeReason: strings.TrimSpace(r.PostFormValue("reason"))}
	err := s.app.StrikeReading(r.Context(), s.actor(r), practice.StrikeInput{SessionTarget: sessionTarget(r), ReadingID: form.StrikeReading, Reason: form.StrikeReason})
	s.sessionSaved(w, r, err, form, strikeFields, "strike", "record-h")
}

var observationFields = formFields{form: "obs", writer: practice.ForClinicianForm,
	fields: map[string]string{practice.FieldAt: "obs_at", "sedation": "obs_sedation", "dissociation": "dissociation", "note": "obs_note"}}

func (s *Server) doSessionObservation(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, observationFields) {
		return
	}
	now, loc := s.clock(r)
	form := view.SessionForm{ObsAt: strings.TrimSpace(r.PostFormValue("at")), ObsSedation: r.PostFormValue("sedation"),
		Dissociation: r.PostFormValue("dissociation"), ObsNote: r.PostFormValue("note")}
	o := session.Observation{Dissociation: form.Dissociation, Note: form.ObsNote}
	var err error
	o.At, err = parseClock(practice.FieldAt, form.ObsAt, now, loc)
	if err == nil {
		o.Sedation, err = parseSedation("sedation", form.ObsSedation)
	}
	if err == nil {
		err = s.app.RecordObservation(r.Context(), s.actor(r), practice.ObservationInput{SessionTarget: sessionTarget(r), Observation: o})
	}
	s.sessionSaved(w, r, err, form, observationFields, "obs", "live-panel")
}

var ackFields = formFields{form: "ack", writer: practice.ForClinicianForm, fields: map[string]string{"note": "ack_note"}}

func (s *Server) doAckAlert(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, ackFields) {
		return
	}
	form := view.SessionForm{AckKey: r.PostFormValue("key"), AckNote: strings.TrimSpace(r.PostFormValue("note"))}
	err := s.app.AcknowledgeAlert(r.Context(), s.actor(r), practice.AckInput{SessionTarget: sessionTarget(r), Key: form.AckKey, Note: form.AckNote})
	s.sessionSaved(w, r, err, form, ackFields, "ack", "live-panel")
}

var adverseFields = formFields{form: "ae", writer: practice.ForClinicianForm, fields: map[string]string{practice.FieldAt: "ae_at", "kind": "ae_kind",
	"severity": "ae_severity", "description": "ae_description", "action": "ae_action", "outcome": "ae_outcome"}}

func (s *Server) doAdverseEvent(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, adverseFields) {
		return
	}
	now, loc := s.clock(r)
	pf := r.PostFormValue
	form := view.SessionForm{AEAt: strings.TrimSpace(pf("at")), AEKind: pf("kind"), AESeverity: pf("severity"), AEDescription: pf("description"),
		AEAction: pf("action"), AEOutcome: pf("outcome")}
	e := session.AdverseEvent{Kind: session.AdverseKind(form.AEKind), Severity: session.Severity(form.AESeverity),
		Description: form.AEDescription, Action: form.AEAction, Outcome: session.Outcome(form.AEOutcome)}
	var err error
	e.At, err = parseClock(practice.FieldAt, form.AEAt, now, loc)
	if err == nil {
		err = s.app.RecordAdverseEvent(r.Context(), s.actor(r), practice.AdverseEventInput{SessionTarget: sessionTarget(r), Event: e})
	}
	s.sessionSaved(w, r, err, form, adverseFields, "ae", "record-h")
}

var stopFields = formFields{form: "stop_reason", writer: practice.ForClinicianForm, fields: map[string]string{"reason": "stop_reason"}}

func (s *Server) doStopSession(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, stopFields) {
		return
	}
	form := view.SessionForm{StopReason: strings.TrimSpace(r.PostFormValue("reason"))}
	err := s.app.StopSession(r.Context(), s.actor(r), practice.StopInput{SessionTarget: sessionTarget(r), Reason: form.StopReason})
	s.sessionSaved(w, r, err, form, stopFields, "stop", "")
}

var dischargeFields = formFields{form: "discharge", writer: practice.ForClinicianForm, fields: same("released_to", "alert_oriented")}

func (s *Server) doDischarge(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, dischargeFields) {
		return
	}
	form := view.SessionForm{ReleasedTo: strings.TrimSpace(r.PostFormValue("released_to")), AlertOriented: r.PostFormValue("alert_oriented") == "1"}
	err := s.app.Discharge(r.Context(), s.actor(r), practice.DischargeInput{SessionTarget: sessionTarget(r), ReleasedTo: form.ReleasedTo, AlertOriented: form.AlertOriented})
	s.sessionSaved(w, r, err, form, dischargeFields, "discharge", "")
}

var signFields = formFields{form: "sign", writer: practice.ForPrescriberForm, fields: map[string]string{}}

func (s *Server) doSignSession(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, signFields) {
		return
	}
	err := s.app.SignSession(r.Context(), s.actor(r), sessionTarget(r))
	s.sessionSaved(w, r, err, view.SessionForm{}, signFields, "sign", "")
}

var addendumFields = formFields{form: "addendum_body", writer: practice.ForClinicianForm, fields: map[string]string{"body": "addendum_body"}}

func (s *Server) doSessionAddendum(w http.ResponseWriter, r *http.Request) {
	if !s.readSessionForm(w, r, addendumFields) {
		return
	}
	form := view.SessionForm{AddendumBody: r.PostFormValue("body")}
	err := s.app.AddAddendum(r.Context(), s.actor(r), practice.AddendumInput{SessionTarget: sessionTarget(r), Body: form.AddendumBody})
	s.sessionSaved(w, r, err, form, addendumFields, "addendum", "addenda-h")
}
