package web

import (
	"context"
	"net/http"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The forms of the medicine session page. Each one makes the access
// decision, then loads the page's facts inside its write transaction, so
// the rules are applied to the record as it is at that moment; the change
// and its audit entry commit together. A refused form shows the page again
// with what was typed.

// sessionWrite is the access decision for a form: whether the viewer may
// act on the client's record as t. writeSession loads the rest of the facts.
func (s *Server) sessionWrite(w http.ResponseWriter, r *http.Request, t access.Type) (*sessionFacts, bool) {
	f, err := s.sessionAccess(r.Context(), r, t, access.Write)
	if err != nil {
		s.failSession(w, r, err)
		return nil, false
	}
	if err := r.ParseForm(); err != nil {
		// A session that cannot be shown is answered as such first.
		if _, lerr := s.loadSession(r.Context(), r, t, access.Write); lerr != nil {
			s.failSession(w, r, lerr)
			return nil, false
		}
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return nil, false
	}
	return f, true
}

// writeSession loads f in the transaction and runs fn.
func (s *Server) writeSession(ctx context.Context, r *http.Request, f *sessionFacts, fn func(tx *store.Tx) error) error {
	return s.st.Write(ctx, func(tx *store.Tx) error {
		if err := loadSessionTx(ctx, tx, f, r.PathValue("appt")); err != nil {
			return err
		}
		return fn(tx)
	})
}

// auditSession appends the audit entry of a change to the record.
func (s *Server) auditSession(ctx context.Context, tx *store.Tx, r *http.Request, f *sessionFacts, action, detail string, high bool) error {
	e := audit.Entry{Action: "medicine_session." + action, ResourceType: "medicine_session", ResourceID: f.m().ID, ClientID: f.client.ID, Detail: detail}
	if high {
		e.Severity = audit.High
	}
	return s.recordTx(ctx, tx, r, e)
}

// sessionChange is what one form of the session page read from the
// request: what was typed, shown again if the form is refused; the change,
// made in the write transaction with its audit entry; and any error found
// before it, which refuses the form without writing.
type sessionChange func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error)

// saveSession is the skeleton every form here shares: the access decision
// as t, the form read by read, the change written, and a refusal shown with
// ff. It reports whether the change was saved; the caller then redirects
// with sessionDone, since where to depends on the form (and, for the
// checklist, on what the change found).
func (s *Server) saveSession(w http.ResponseWriter, r *http.Request, t access.Type, ff formFields, read sessionChange) bool {
	f, ok := s.sessionWrite(w, r, t)
	if !ok {
		return false
	}
	form, change, err := read(f)
	if err == nil {
		err = s.writeSession(r.Context(), r, f, change)
	}
	if err != nil {
		s.refuseSession(w, r, err, form, ff)
		return false
	}
	return true
}

// mustBeStarted refuses a change to a record whose checks have not begun.
func mustBeStarted(f *sessionFacts, field string) error {
	if !f.started {
		return problem.Invalidf(field, "Save the pre-dose checks first: the record starts with them.")
	}
	return nil
}

var checklistFields = formFields{form: "checklist", fields: with(same("companion_name", "companion_phone", "last_food", "intention",
	"no_substances", "stimulants_paused", "systolic", "diastolic", "heart_rate", "spo2", "vitals_at"), "at", "vitals_at")}

func (s *Server) doSessionChecklist(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	held := false
	saved := s.saveSession(w, r, access.ClinicalCare, checklistFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		loc := v.Clinic.Location()
		now := s.now()
		pf := r.PostFormValue
		form := view.SessionForm{CompanionName: strings.TrimSpace(pf("companion_name")), CompanionPhone: strings.TrimSpace(pf("companion_phone")),
			RideConfirmed: pf("ride_confirmed") == "1", LastFood: strings.TrimSpace(pf("last_food")), NoSubstances: pf("no_substances"),
			StimulantsPaused: pf("stimulants_paused"), MedicationsReviewed: pf("medications_reviewed") == "1", Intention: pf("intention")}
		c := store.PreDoseChecklist{CompanionName: form.CompanionName, CompanionPhone: form.CompanionPhone, RideConfirmed: form.RideConfirmed,
			MedicationsReviewed: form.MedicationsReviewed, Intention: form.Intention, By: v.P.UserID, At: &now}
		answer := func(field, s string) (*bool, error) {
			switch s {
			case "":
				return nil, nil
			case "yes", "no":
				b := s == "yes"
				return &b, nil
			}
			return nil, problem.Invalidf(field, "Choose one of the answers.")
		}
		vitals, err := readVitals(&form, r, now, loc)
		entered := form.Systolic != "" || form.Diastolic != "" || form.HeartRate != "" || form.SpO2 != ""
		if err == nil && !entered && form.CompanionName == "" && form.CompanionPhone == "" && !form.RideConfirmed && form.LastFood == "" &&
			form.NoSubstances == "" && form.StimulantsPaused == "" && !form.MedicationsReviewed && strings.TrimSpace(form.Intention) == "" {
			// An empty form would start a record that says nothing.
			err = problem.Invalidf("checklist", "Nothing was filled in: record at least one of the checks before saving.")
		}
		// The rest of the form is checked inside the write transaction, where
		// the session rules are loaded; the checks keep their order, so a
		// form with several mistakes names the same one first.
		rest := func() error {
			var err error
			if entered {
				// The pre-dose reading must hold blood pressure, heart rate and
				// SpO2 (CLINICAL.md §3); the gates then judge it.
				_, err = session.CheckPreDose(vitals, f.rules.Settings.PreDose)
			}
			if err == nil && form.LastFood != "" {
				var t = now
				t, err = parseClock("last_food", form.LastFood, now, loc)
				c.LastFoodAt = &t
			}
			if err == nil {
				c.NoSubstances, err = answer("no_substances", form.NoSubstances)
			}
			if err == nil {
				c.StimulantsPaused, err = answer("stimulants_paused", form.StimulantsPaused)
			}
			return err
		}
		return form, func(tx *store.Tx) error {
			if err := rest(); err != nil {
				return err
			}
			m := f.m()
			if !f.started {
				m = store.MedicineSession{ClinicID: f.client.ClinicID, AppointmentID: f.appt.ID, ClientID: f.client.ID, CourseID: f.course.ID,
					StartedBy: v.P.UserID, StartedAt: now}
				if err := tx.StartMedicineSession(ctx, &m); err != nil {
					return err
				}
				f.rec.Session, f.started = m, true
				if err := s.auditSession(ctx, tx, r, f, "start", "appointment "+f.appt.ID, false); err != nil {
					return err
				}
			}
			if err := tx.SaveSessionChecklist(ctx, m.ClinicID, m.ID, c); err != nil {
				return err
			}
			detail := "checklist"
			if entered {
				sv := store.SessionVitals{ClinicID: m.ClinicID, SessionID: m.ID, PreDose: true, TakenAt: vitals.At, Vitals: vitals,
					EnteredBy: v.P.UserID, EnteredAt: now}
				if err := tx.AddSessionVitals(ctx, &sv); err != nil {
					return err
				}
				detail += "; pre-dose reading " + vitals.BPText()
			}
			if err := s.auditSession(ctx, tx, r, f, "checklist", detail, false); err != nil {
				return err
			}
			if !entered {
				return nil
			}
			// Judge the new reading as the gates do. Above the hold line the
			// BP gate fails and cannot be overridden: no dose today, and the
			// record says so.
			if err := loadSessionTx(ctx, tx, f, f.appt.ID); err != nil {
				return err
			}
			for _, g := range f.gates {
				if g.ID == care.GateBP && !g.Pass && !g.Overridable && vitals.Has(session.BP) {
					held = true
					if err := tx.HoldMedicineSession(ctx, m.ClinicID, m.ID, g.Why); err != nil {
						return err
					}
					return s.auditSession(ctx, tx, r, f, "hold", g.Why, true)
				}
			}
			return nil
		}, err
	})
	switch {
	case !saved:
	case held:
		sessionDone(w, r, "held", "")
	default:
		sessionDone(w, r, "checklist", "gates-h")
	}
}

var overrideFields = formFields{form: "override_gate", fields: map[string]string{"gate": "override_gate", "reason": "override_reason", "by": "override_gate"}}

func (s *Server) doSessionOverride(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.PrescriberOrder, overrideFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		form := view.SessionForm{OverrideGate: r.PostFormValue("gate"), OverrideReason: strings.TrimSpace(r.PostFormValue("reason"))}
		now := s.now()
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "gate"); err != nil {
				return err
			}
			gate := care.FindGate(f.gates, form.OverrideGate)
			if gate == nil {
				return problem.Invalidf("gate", "Choose one of the gates.")
			}
			// access.Allow has said this is a prescriber on the care team;
			// care.CheckOverride says whether the gate may be overridden as it
			// stands (a hold may not), and with what reason.
			if err := care.CheckOverride(*gate, care.Override{GateID: gate.ID, Reason: form.OverrideReason, By: v.User.Name, ByPrescriber: true, At: now}); err != nil {
				return err
			}
			o := store.GateOverride{GateID: gate.ID, Reason: form.OverrideReason, By: v.P.UserID, At: now}
			if err := tx.AddSessionOverride(ctx, f.m(), &o); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "override", gate.ID, true)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "override", "gates-h")
}

var confirmFields = formFields{form: "confirm_mg", fields: map[string]string{"mg": "confirm_mg", "confirm_mg": "confirm_mg",
	"confirm_reason": "confirm_reason", "by": "confirm_mg"}}

func (s *Server) doConfirmDose(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.PrescriberOrder, confirmFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		form := view.SessionForm{ConfirmMg: strings.TrimSpace(r.PostFormValue("confirm_mg")), ConfirmReason: strings.TrimSpace(r.PostFormValue("confirm_reason"))}
		mg, err := session.ParseMg("confirm_mg", form.ConfirmMg)
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "confirm_mg"); err != nil {
				return err
			}
			if f.hasOrder && mg > f.order.Order.MaxMg {
				return problem.Invalidf("confirm_mg", "%s is above this order's maximum of %s per session; no confirmation can allow it. Change the order instead.", mg, f.order.Order.MaxMg)
			}
			c := store.DoseConfirmation{Mg: mg, Reason: form.ConfirmReason, By: v.P.UserID, At: s.now()}
			if err := tx.ConfirmSessionDose(ctx, f.client.ClinicID, f.m().ID, c); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "dose_confirm", mg.String(), true)
		}, err
	}) {
		return
	}
	sessionDone(w, r, "confirm", "dose-h")
}

var doseFields = formFields{form: "dose", fields: with(same("weight_kg", "mg", "lot", "given_by", "given_at", "setting_other", "staff"),
	"mg_per_kg", "mg", "confirm_reason", "dose_confirm_reason", "by", "dose_confirm_reason")}

func (s *Server) doSessionDose(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.ClinicalCare, doseFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		loc := v.Clinic.Location()
		now := s.now()
		pf := r.PostFormValue
		form := view.SessionForm{WeightKg: strings.TrimSpace(pf("weight_kg")), Mg: strings.TrimSpace(pf("mg")), Lot: strings.TrimSpace(pf("lot")),
			GivenBy: pf("given_by"), GivenAt: strings.TrimSpace(pf("given_at")), Music: pf("music") == "1", EyeMask: pf("eye_mask") == "1",
			SettingOther: strings.TrimSpace(pf("setting_other")), Staff: r.PostForm["staff"], DoseConfirmReason: strings.TrimSpace(pf("confirm_reason"))}
		var mg session.Mg
		var check session.DoseCheck
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "dose"); err != nil {
				return err
			}
			if !f.hasOrder {
				return problem.New(problem.Conflict, "This course has no dosing order; a prescriber must write one first.")
			}
			if ready, blocking := f.ready(); !ready {
				return problem.Invalidf("dose", "The dose is blocked until every gate is cleared. Not cleared: %s.", strings.Join(blocking, "; "))
			}
			weight, err := session.ParseKg("weight_kg", form.WeightKg)
			if err != nil {
				return err
			}
			if err := session.ValidateWeight(weight); err != nil {
				return err
			}
			order, settings := f.order.Order, f.rules.Settings
			if form.Mg == "" {
				// mg/kg × today's weight, rounded down to the form's unit and
				// held to the order's maximum (session.Calculate).
				d, err := session.Calculate(order, weight, settings)
				if err != nil {
					return err
				}
				mg = d.Mg
			} else if mg, err = session.ParseMg("mg", form.Mg); err != nil {
				return err
			}
			if check, err = session.CheckDose(order, order.Route, mg, weight, settings); err != nil {
				return err
			}
			m := f.m()
			needs := check.NeedsConfirmation()
			if needs && (m.DoseConfirm == nil || m.DoseConfirm.Mg != mg) {
				if !f.canPrescribe || form.DoseConfirmReason == "" {
					return problem.Invalidf("mg", "%s needs a prescriber's confirmation before it is given: %s A prescriber on the care team confirms it on this page.",
						mg, strings.Join(check.Reasons, " "))
				}
				c := store.DoseConfirmation{Mg: mg, Reason: form.DoseConfirmReason, By: v.P.UserID, At: now}
				if err := tx.ConfirmSessionDose(ctx, m.ClinicID, m.ID, c); err != nil {
					return err
				}
				if err := s.auditSession(ctx, tx, r, f, "dose_confirm", mg.String(), true); err != nil {
					return err
				}
			}
			if u, ok := f.sched.staff[form.GivenBy]; !ok || !isClinician(u) || u.DisabledAt != nil {
				return problem.Invalidf("given_by", "Choose who gave the dose from the list.")
			}
			givenAt, err := parseClock("given_at", form.GivenAt, now, loc)
			if err != nil {
				return err
			}
			d := store.SessionDose{Route: order.Route, Weight: weight, Mg: mg, Units: check.Units, Lot: form.Lot, GivenBy: form.GivenBy,
				GivenAt: givenAt, OrderID: f.order.ID, RecordedBy: v.P.UserID}
			if err := tx.RecordSessionDose(ctx, m.ClinicID, m.ID, d, needs); err != nil {
				return err
			}
			if err := tx.SaveSessionSetting(ctx, m.ClinicID, m.ID, store.SessionSetting{Music: form.Music, EyeMask: form.EyeMask, Other: form.SettingOther},
				form.Staff); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "dose", d.Route.Label()+" "+d.Mg.String()+" at "+d.Weight.String(), false)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "dose", "live-panel")
}

var vitalsFields = formFields{form: "vitals", fields: with(same("systolic", "diastolic", "heart_rate", "spo2", "sedation", "vitals_at"), "at", "vitals_at")}

func (s *Server) doSessionVitals(w http.ResponseWriter, r *http.Request) {
	var form view.SessionForm
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	vitals, err := readVitals(&form, r, s.now(), viewerOf(r.Context()).Clinic.Location())
	if err == nil {
		_, err = s.app.RecordVitals(r.Context(), s.actor(r), practice.VitalsInput{ClientID: r.PathValue("id"), AppointmentID: r.PathValue("appt"), Vitals: vitals})
	}
	if err != nil {
		s.refuseSession(w, r, err, form, vitalsFields)
		return
	}
	sessionDone(w, r, "vitals", "live-panel")
}

var strikeFields = formFields{form: "strike_reason", fields: same("strike_reason", "reading")}

func (s *Server) doStrikeVitals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.ClinicalCare, strikeFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		form := view.SessionForm{StrikeReading: r.PostFormValue("reading"), StrikeReason: strings.TrimSpace(r.PostFormValue("reason"))}
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "reading"); err != nil {
				return err
			}
			if err := tx.StrikeSessionVitals(ctx, f.client.ClinicID, f.m().ID, form.StrikeReading, v.P.UserID, form.StrikeReason, s.now()); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "vitals_strike", form.StrikeReading, false)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "strike", "record-h")
}

var observationFields = formFields{form: "obs", fields: map[string]string{"at": "obs_at", "sedation": "obs_sedation", "dissociation": "dissociation", "note": "obs_note"}}

func (s *Server) doSessionObservation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.ClinicalCare, observationFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		now := s.now()
		form := view.SessionForm{ObsAt: strings.TrimSpace(r.PostFormValue("at")), ObsSedation: r.PostFormValue("sedation"),
			Dissociation: r.PostFormValue("dissociation"), ObsNote: r.PostFormValue("note")}
		o := store.SessionObservation{ClinicID: f.client.ClinicID, EnteredBy: v.P.UserID, EnteredAt: now,
			Observation: session.Observation{Dissociation: form.Dissociation, Note: form.ObsNote}}
		var err error
		o.At, err = parseClock("at", form.ObsAt, now, v.Clinic.Location())
		if err == nil {
			o.Sedation, err = parseSedation("sedation", form.ObsSedation)
		}
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "obs"); err != nil {
				return err
			}
			o.SessionID = f.m().ID
			if err := tx.AddSessionObservation(ctx, &o); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "observation", o.ID, false)
		}, err
	}) {
		return
	}
	sessionDone(w, r, "obs", "live-panel")
}

var ackFields = formFields{form: "ack", fields: map[string]string{"note": "ack_note"}}

func (s *Server) doAckAlert(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.ClinicalCare, ackFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		form := view.SessionForm{AckKey: r.PostFormValue("key"), AckNote: strings.TrimSpace(r.PostFormValue("note"))}
		return form, func(tx *store.Tx) error {
			// The alert is evaluated again now: only an open alert that still
			// stands can be acknowledged.
			var open *session.AlertState
			for _, a := range f.alerts() {
				if a.Key == form.AckKey && a.Open() {
					open = &a
				}
			}
			if open == nil {
				return problem.New(problem.Conflict, "That alert is already acknowledged, or no longer stands; the page shows where things are now.")
			}
			a := store.SessionAlertAck{ClinicID: f.client.ClinicID, SessionID: f.m().ID, AlertKey: open.Key, Message: open.Message,
				Note: form.AckNote, By: v.P.UserID, At: s.now()}
			if err := tx.AckSessionAlert(ctx, &a); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "alert_ack", open.Key, true)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "ack", "live-panel")
}

var adverseFields = formFields{form: "ae", fields: map[string]string{"at": "ae_at", "kind": "ae_kind", "severity": "ae_severity",
	"description": "ae_description", "action": "ae_action", "outcome": "ae_outcome"}}

func (s *Server) doAdverseEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.ClinicalCare, adverseFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		now := s.now()
		pf := r.PostFormValue
		form := view.SessionForm{AEAt: strings.TrimSpace(pf("at")), AEKind: pf("kind"), AESeverity: pf("severity"), AEDescription: pf("description"),
			AEAction: pf("action"), AEOutcome: pf("outcome")}
		e := store.SessionAdverseEvent{ClinicID: f.client.ClinicID, EnteredBy: v.P.UserID, EnteredAt: now,
			AdverseEvent: session.AdverseEvent{Kind: session.AdverseKind(form.AEKind), Severity: session.Severity(form.AESeverity),
				Description: form.AEDescription, Action: form.AEAction, Outcome: session.Outcome(form.AEOutcome)}}
		var err error
		e.At, err = parseClock("at", form.AEAt, now, v.Clinic.Location())
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "ae"); err != nil {
				return err
			}
			e.SessionID = f.m().ID
			if err := tx.AddSessionAdverseEvent(ctx, &e); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "adverse_event", string(e.Kind)+" "+string(e.Severity), e.Severity == session.Severe)
		}, err
	}) {
		return
	}
	sessionDone(w, r, "ae", "record-h")
}

var stopFields = formFields{form: "stop_reason", fields: map[string]string{"reason": "stop_reason"}}

func (s *Server) doStopSession(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.saveSession(w, r, access.ClinicalCare, stopFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		form := view.SessionForm{StopReason: strings.TrimSpace(r.PostFormValue("reason"))}
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "reason"); err != nil {
				return err
			}
			if err := tx.StopMedicineSession(ctx, f.client.ClinicID, f.m().ID, form.StopReason); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "stop", "", true)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "stop", "")
}

var dischargeFields = formFields{form: "discharge", fields: same("released_to", "alert_oriented")}

func (s *Server) doDischarge(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.ClinicalCare, dischargeFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		form := view.SessionForm{ReleasedTo: strings.TrimSpace(r.PostFormValue("released_to")), AlertOriented: r.PostFormValue("alert_oriented") == "1"}
		return form, func(tx *store.Tx) error {
			if f.m().State != store.SessionDosed {
				return problem.New(problem.Conflict, "Only a dosed session can be discharged; the page shows where it stands now.")
			}
			// session.CheckDischarge decides; every criterion must pass.
			d := f.discharge(form.AlertOriented, form.ReleasedTo)
			if !d.Ready {
				var not []string
				for _, c := range d.Criteria {
					if !c.Passed {
						not = append(not, c.Label+": "+c.Reason)
					}
				}
				return problem.Invalidf("discharge", "Not ready for discharge yet. %s", strings.Join(not, " "))
			}
			sd := store.SessionDischarge{At: s.now(), ReleasedTo: form.ReleasedTo, AlertOriented: true, By: v.P.UserID}
			if err := tx.DischargeMedicineSession(ctx, f.client.ClinicID, f.m().ID, sd); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "discharge", "", false)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "discharge", "")
}

var signFields = formFields{form: "sign", fields: map[string]string{}}

func (s *Server) doSignSession(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.PrescriberOrder, signFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		return view.SessionForm{}, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "sign"); err != nil {
				return err
			}
			if err := tx.SignMedicineSession(ctx, f.client.ClinicID, f.m().ID, v.P.UserID, s.now()); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "sign", string(f.m().State), true)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "sign", "")
}

var addendumFields = formFields{form: "addendum_body", fields: map[string]string{"body": "addendum_body"}}

func (s *Server) doSessionAddendum(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.saveSession(w, r, access.ClinicalCare, addendumFields, func(f *sessionFacts) (view.SessionForm, func(tx *store.Tx) error, error) {
		form := view.SessionForm{AddendumBody: r.PostFormValue("body")}
		return form, func(tx *store.Tx) error {
			if err := mustBeStarted(f, "body"); err != nil {
				return err
			}
			a := store.SessionAddendum{ClinicID: f.client.ClinicID, SessionID: f.m().ID, Body: form.AddendumBody, By: v.P.UserID, At: s.now()}
			if err := tx.AddSessionAddendum(ctx, &a); err != nil {
				return err
			}
			return s.auditSession(ctx, tx, r, f, "addendum", a.ID, false)
		}, nil
	}) {
		return
	}
	sessionDone(w, r, "addendum", "addenda-h")
}
