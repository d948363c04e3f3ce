package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The dosing order: the care team reads it; only a prescriber on the care
// team writes or changes it, and each change is a new version.

// dosingPage is what the page loads for one client.
type dosingPage struct {
	client    store.Client
	team      []string
	course    store.Course
	hasCourse bool
	history   []store.DosingOrder // newest first
	// settings are the clinic's session rules, which an order is checked against.
	settings session.Settings
}

func (s *Server) loadDosing(ctx context.Context, c store.Client, team []string) (dosingPage, error) {
	d := dosingPage{client: c, team: team}
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		rules, err := tx.SessionRules(ctx, c.ClinicID)
		if err != nil {
			return err
		}
		d.settings = rules.Settings
		if d.course, d.hasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil || !d.hasCourse {
			return err
		}
		d.history, err = tx.DosingOrderHistory(ctx, c.ClinicID, d.course.ID)
		return err
	})
	return d, err
}

func (s *Server) showDosingOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	c, team, err := s.clientRecord(ctx, id, access.PrescriberOrder, access.Read)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	d, err := s.loadDosing(ctx, c, team)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "dosing_order.read", ResourceType: "dosing_order", ResourceID: d.course.ID, ClientID: c.ID})
	var form view.DosingForm
	if len(d.history) > 0 {
		form = orderForm(d.history[0].Order)
	}
	notice := ""
	if r.URL.Query().Get("saved") == "1" {
		notice = "The dosing order is saved."
	}
	s.renderDosing(w, r, http.StatusOK, d, form, notice)
}

// orderForm fills the form from an order, so a change starts from the
// order in force.
func orderForm(o session.Order) view.DosingForm {
	f := view.DosingForm{Route: string(o.Route), MaxMg: o.MaxMg.Number(), Notes: o.Notes}
	if o.WeightBased() {
		f.MgPerKg = o.MgPerKg.Number()
	} else if o.Mg != 0 {
		f.Mg = o.Mg.Number()
	}
	if o.OverMinutes > 0 {
		f.OverMinutes = strconv.Itoa(o.OverMinutes)
	}
	return f
}

func (s *Server) renderDosing(w http.ResponseWriter, r *http.Request, status int, d dosingPage, form view.DosingForm, notice string) {
	v := viewerOf(r.Context())
	loc := v.Clinic.Location()
	settings := d.settings
	dv := view.DosingView{ClientID: d.client.ID, ClientName: d.client.DisplayName(), HasCourse: d.hasCourse, Form: form,
		CanWrite: d.hasCourse && access.Allow(v.P, access.Write, access.Resource{Type: access.PrescriberOrder, ClinicID: d.client.ClinicID,
			ClientID: d.client.ID, CareTeam: d.team})}
	for i, o := range d.history {
		row := view.OrderRow{Version: o.Version, Summary: o.Order.String(), Notes: o.Order.Notes, By: o.WrittenByName, At: view.When(o.WrittenAt, loc)}
		if o.SupersededAt != nil {
			row.Superseded = view.When(*o.SupersededAt, loc)
		}
		if i+1 < len(d.history) {
			row.Changes = orderChanges(d.history[i+1].Order, o.Order)
		}
		if i == 0 && o.SupersededAt == nil {
			cur := row
			dv.Current = &cur
		}
		dv.History = append(dv.History, row)
	}
	for _, rt := range session.Routes() {
		dv.Routes = append(dv.Routes, view.RouteInfo{Value: string(rt), Label: rt.Label(), Onset: rt.Onset(),
			Bioavailability: rt.Bioavailability(), UsualRange: settings.Route(rt).UsualRange(), Chosen: string(rt) == form.Route})
	}
	p := s.page(r, "Dosing order: "+d.client.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Dosing(p, dv))
}

// orderChanges says what a new version changed, in the order's own terms.
func orderChanges(prev, next session.Order) []string {
	var out []string
	add := func(what, a, b string) {
		if a != b {
			out = append(out, fmt.Sprintf("%s: %s → %s", what, orDashText(a), orDashText(b)))
		}
	}
	add("Route", prev.Route.Label(), next.Route.Label())
	dose := func(o session.Order) string {
		if o.WeightBased() {
			return o.MgPerKg.String()
		}
		return o.Mg.String()
	}
	add("Dose", dose(prev), dose(next))
	add("Most per session", prev.MaxMg.String(), next.MaxMg.String())
	mins := func(o session.Order) string {
		if o.OverMinutes == 0 {
			return ""
		}
		return strconv.Itoa(o.OverMinutes) + " min"
	}
	add("Infusion", mins(prev), mins(next))
	if prev.Notes != next.Notes {
		out = append(out, "Notes changed")
	}
	return out
}

// parseOrder reads the form into an order. Every field is read so that all
// the typing mistakes are named at once; the order's own rules then run.
func parseOrder(f view.DosingForm, settings session.Settings) (session.Order, view.FieldErrors) {
	errs := view.FieldErrors{}
	o := session.Order{Route: session.Route(f.Route), Notes: f.Notes}
	if f.Route == "" || !o.Route.Valid() {
		errs["route"] = "Choose a route."
	}
	var err error
	if f.Mg != "" {
		if o.Mg, err = session.ParseMg("mg", f.Mg); err != nil {
			errs["mg"] = problem.MessageOf(err)
		}
	}
	if f.MgPerKg != "" {
		if o.MgPerKg, err = session.ParseMgPerKg("mg_per_kg", f.MgPerKg); err != nil {
			errs["mg_per_kg"] = problem.MessageOf(err)
		}
	}
	if o.MaxMg, err = session.ParseMg("max_mg", f.MaxMg); err != nil {
		errs["max_mg"] = problem.MessageOf(err)
	}
	if f.OverMinutes != "" {
		if o.OverMinutes, err = strconv.Atoi(f.OverMinutes); err != nil {
			errs["over_minutes"] = "Give the infusion time in whole minutes, such as 40."
		}
	}
	if len(errs) > 0 {
		return o, errs
	}
	if err := o.Validate(settings); err != nil {
		field := problem.FieldOf(err)
		if field == "" {
			field = "dose"
		}
		errs[field] = problem.MessageOf(err)
	}
	return o, errs
}

func (s *Server) doDosingOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	c, team, err := s.clientRecord(ctx, id, access.PrescriberOrder, access.Write)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	form := view.DosingForm{Route: r.PostFormValue("route"), Mg: strings.TrimSpace(r.PostFormValue("mg")),
		MgPerKg: strings.TrimSpace(r.PostFormValue("mg_per_kg")), MaxMg: strings.TrimSpace(r.PostFormValue("max_mg")),
		OverMinutes: strings.TrimSpace(r.PostFormValue("over_minutes")), Notes: strings.TrimSpace(r.PostFormValue("notes"))}
	d, err := s.loadDosing(ctx, c, team)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !d.hasCourse {
		s.fail(w, r, problem.New(problem.Invalid, "%s has no course of care yet, so there is nothing to write an order for.", c.DisplayName()))
		return
	}
	order, errs := parseOrder(form, d.settings)
	if len(errs) > 0 {
		form.Errors = errs
		s.renderDosing(w, r, http.StatusBadRequest, d, form, "")
		return
	}
	o := store.DosingOrder{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, CourseID: d.course.ID, Order: order,
		WrittenBy: v.P.UserID, WrittenAt: s.now()}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// The rules are read again in the writing transaction, so an order
		// is checked against the rules in force when it is stored.
		rules, err := tx.SessionRules(ctx, c.ClinicID)
		if err != nil {
			return err
		}
		if err := tx.WriteDosingOrder(ctx, &o, rules.Settings); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "dosing_order.write", ResourceType: "dosing_order", ResourceID: o.ID, ClientID: c.ID,
			Detail: fmt.Sprintf("version %d: %s", o.Version, o.Order.String())})
	})
	if field := problem.FieldOf(err); field != "" {
		form.Errors = view.FieldErrors{field: problem.MessageOf(err)}
		s.renderDosing(w, r, http.StatusBadRequest, d, form, "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/dosing-order?saved=1", http.StatusSeeOther)
}
