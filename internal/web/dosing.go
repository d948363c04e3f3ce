package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/web/view"
)

// The dosing order: the care team reads it; only a prescriber on the care
// team writes or changes it, and each change is a new version
// (practice/dosing_order.go).

func (s *Server) showDosingOrder(w http.ResponseWriter, r *http.Request) {
	d, err := s.app.OpenDosingOrder(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var form view.DosingForm
	if len(d.History) > 0 {
		form = orderForm(d.History[0].Order)
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

func (s *Server) renderDosing(w http.ResponseWriter, r *http.Request, status int, d practice.DosingPage, form view.DosingForm, notice string) {
	tf := s.timeFormat(r)
	dv := view.DosingView{ClientID: d.Client.ID, ClientName: d.Client.DisplayName(), HasCourse: d.HasCourse, Form: form, CanWrite: d.CanWrite}
	for i, o := range d.History {
		row := view.OrderRow{Version: o.Version, Summary: o.Order.String(), Notes: o.Order.Notes, By: o.WrittenByName, At: view.When(o.WrittenAt, tf)}
		if o.SupersededAt != nil {
			row.Superseded = view.When(*o.SupersededAt, tf)
		}
		if i+1 < len(d.History) {
			row.Changes = orderChanges(d.History[i+1].Order, o.Order)
		}
		if i == 0 && o.SupersededAt == nil {
			cur := row
			cur.Invalid = invalidOrder(o.Order, d.Settings)
			dv.Current = &cur
		}
		dv.History = append(dv.History, row)
	}
	for _, rt := range session.Routes() {
		dv.Routes = append(dv.Routes, view.RouteInfo{Value: string(rt), Label: rt.Label(), Onset: rt.Onset(),
			Bioavailability: rt.Bioavailability(), UsualRange: d.Settings.Route(rt).UsualRange(), Chosen: string(rt) == form.Route})
	}
	p := s.page(r, "Dosing order: "+d.Client.DisplayName(), "/caseload")
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

// readOrder reads the form into an order. Every field is read so that all
// the typing mistakes are named at once; the order's own rules, which need
// the clinic's session rules, are the use case's.
func readOrder(f view.DosingForm) (session.Order, view.FieldErrors) {
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
	return o, errs
}

func (s *Server) doDosingOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := s.actor(r)
	id := r.PathValue("id")
	form := view.DosingForm{Route: r.PostFormValue("route"), Mg: strings.TrimSpace(r.PostFormValue("mg")),
		MgPerKg: strings.TrimSpace(r.PostFormValue("mg_per_kg")), MaxMg: strings.TrimSpace(r.PostFormValue("max_mg")),
		OverMinutes: strings.TrimSpace(r.PostFormValue("over_minutes")), Notes: strings.TrimSpace(r.PostFormValue("notes"))}
	order, errs := readOrder(form)
	if len(errs) == 0 {
		_, err := s.app.WriteDosingOrder(ctx, a, practice.DosingOrderInput{ClientID: id, Order: order})
		if err == nil {
			http.Redirect(w, r, "/clients/"+id+"/dosing-order?saved=1", http.StatusSeeOther)
			return
		}
		field := problem.FieldOf(err)
		if field == "" {
			s.fail(w, r, err)
			return
		}
		errs[field] = problem.MessageOf(err)
	}
	// The page is shown again with the messages, to one who may write the
	// order: anyone else is refused as absent, whatever they typed.
	d, err := s.app.DosingOrder(ctx, a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form.Errors = errs
	s.renderDosing(w, r, http.StatusBadRequest, d, form, "")
}

// invalidOrder says plainly why an order in force no longer passes the
// clinic's rules, such as an esketamine order above 84 mg written before
// that was refused; "" when it passes.
func invalidOrder(o session.Order, st session.Settings) string {
	err := o.Validate(st)
	if err == nil {
		return ""
	}
	return "This order no longer passes the clinic's rules: " + problem.MessageOf(err) +
		" No dose can be recorded under it; a prescriber must write a new version."
}
