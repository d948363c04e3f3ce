package web

import (
	"net/http"
	"net/url"
	"strings"

	"doorway/internal/calendar"
	"doorway/internal/integration"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The care team's side of integration: the integration session notes of a
// client's course, written from a SOAP or DAP template; a clinician's own
// psychotherapy notes (psychotherapy_notes.go); and the end of the course
// with its summary (course_review.go).

func (s *Server) integrationNoteRoutes() []Route {
	return []Route{
		{"GET", "/clients/{id}/integration", StaffOnly, s.showIntegration},
		{"POST", "/clients/{id}/integration/notes", StaffOnly, s.doIntegrationNote},
		{"GET", "/clients/{id}/psychotherapy-notes", StaffOnly, s.showProcessNotes},
		{"POST", "/clients/{id}/psychotherapy-notes", StaffOnly, s.doNewProcessNote},
		{"GET", "/clients/{id}/psychotherapy-notes/{pnote}", StaffOnly, s.showProcessNote},
		{"POST", "/clients/{id}/psychotherapy-notes/{pnote}", StaffOnly, s.doProcessNote},
		{"GET", "/clients/{id}/course/review", StaffOnly, s.showCourseReview},
		{"POST", "/clients/{id}/course/goals/{goal}/review", StaffOnly, s.doGoalReview},
		{"GET", "/clients/{id}/course/summary.pdf", StaffOnly, s.showCourseSummaryPDF},
		{"GET", "/portal/summary", ClientOnly, s.showPortalReview},
		{"POST", "/portal/summary/goals/{goal}", ClientOnly, s.doGoalWords},
		{"POST", "/portal/summary/reflections", ClientOnly, s.doSummaryReflections},
		{"GET", "/portal/summary.pdf", ClientOnly, s.showPortalSummaryPDF},
	}
}

func integrationPath(clientID string) string { return "/clients/" + clientID + "/integration" }

// integrationForm is the note being written, as the form shows it: the
// template asked for (SOAP unless DAP), with what was typed.
func integrationForm(key string, typed url.Values) view.IntegrationForm {
	t, ok := integration.TemplateByKey(key)
	if !ok || t.Key == integration.TemplateAddendum {
		t = integration.SOAP
	}
	f := view.IntegrationForm{Template: t.Key, Title: t.Title}
	for _, sec := range t.Sections {
		name := "section." + sec.Key
		f.Sections = append(f.Sections, view.SectionField{Name: name, Title: sec.Title, Hint: sec.Hint, Value: typed.Get(name)})
	}
	return f
}

// sessionLabel names a medicine session for a choice and a note: its day
// and the dose given ("Mar 3, 2026 · 300 mg · Rapid-dissolving tablet
// (RDT)"), or how it ended without one.
func sessionLabel(m store.MedicineSession, tf timefmt.Format) string {
	if m.Dose == nil {
		return dateText(m.StartedAt, tf) + " · " + m.State.Label()
	}
	return dateText(m.StartedAt, tf) + " · " + m.Dose.Mg.String() + " · " + m.Dose.Route.Label()
}

// noteSectionRows are a note's sections as the page shows them; an
// addendum's one section has no heading.
func noteSectionRows(n store.IntegrationNote) []view.NoteSectionRow {
	t, _ := integration.TemplateByKey(n.Template)
	var out []view.NoteSectionRow
	for _, sec := range t.Filled(n.Sections) {
		row := view.NoteSectionRow{Title: sec.Title, Body: sec.Text}
		if t.Key == integration.TemplateAddendum {
			row.Title = ""
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) showIntegration(w http.ResponseWriter, r *http.Request) {
	s.renderIntegration(w, r, http.StatusOK, integrationForm(r.URL.Query().Get("template"), nil), "")
}

// renderIntegration shows the integration page; a refused note comes back
// with what was typed and its errors, a signed one with a notice.
func (s *Server) renderIntegration(w http.ResponseWriter, r *http.Request, status int, form view.IntegrationForm, notice string) {
	id := r.PathValue("id")
	ci, err := s.app.Integration(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	c := ci.Client
	tf := s.timeFormat(r)
	v := view.IntegrationView{ClientID: c.ID, ClientName: c.DisplayName(), HasCourse: ci.HasCourse, CanWrite: ci.CanWrite, Form: form, CoupleWith: ci.CoupleWith}
	if ci.CanKeepProcessNotes {
		v.ProcessNotes = "/clients/" + c.ID + "/psychotherapy-notes"
	}
	labels := map[string]string{}
	for _, m := range ci.Sessions {
		labels[m.ID] = sessionLabel(m, tf)
		v.Sessions = append(v.Sessions, view.Option{Value: m.ID, Label: labels[m.ID]})
	}
	// Notes first, then each addendum under its note: an addendum written
	// in the same instant as its note may sort before it.
	index := map[string]int{}
	for _, addenda := range []bool{false, true} {
		for _, n := range ci.Notes {
			if (n.AddendumTo != "") != addenda {
				continue
			}
			t, _ := integration.TemplateByKey(n.Template)
			row := view.IntegrationNoteRow{ID: n.ID, When: tf.Date(n.OccurredAt), Template: t.Title,
				Session: labels[n.MedicineSessionID], Author: ci.StaffNames[n.AuthorID], Signed: view.When(n.SignedAt, tf), Sections: noteSectionRows(n),
				Joint: ci.Partners[n.JointWith]}
			if row.Session == "" {
				row.Session = "a medicine session"
			}
			if i, ok := index[n.AddendumTo]; addenda && ok {
				v.Notes[i].Addenda = append(v.Notes[i].Addenda, row)
			} else if !addenda {
				index[n.ID] = len(v.Notes)
				v.Notes = append(v.Notes, row)
			}
		}
	}
	for _, t := range integration.NoteTemplates() {
		v.Templates = append(v.Templates, view.TemplateTab{Title: t.Title, Href: integrationPath(c.ID) + "?template=" + t.Key + "#write-h",
			Current: t.Key == form.Template})
	}
	if v.Form.Date == "" {
		v.Form.Date = calendar.Of(s.now(), tf.Loc).String()
	}
	if v.Form.Session == "" && len(v.Sessions) > 0 {
		v.Form.Session = v.Sessions[0].Value
	}
	p := s.page(r, "Integration: "+c.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.IntegrationNotes(p, v))
}

func (s *Server) doIntegrationNote(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	in := practice.IntegrationNoteInput{ClientID: r.PathValue("id"), Template: r.PostForm.Get("template"),
		MedicineSessionID: r.PostForm.Get("medicine_session"), AddendumTo: r.PostForm.Get("addendum_to"), Sections: map[string]string{},
		Joint: r.PostForm.Get("joint") == "1"}
	for name, vals := range r.PostForm {
		if key, ok := strings.CutPrefix(name, "section."); ok && len(vals) > 0 {
			in.Sections[key] = vals[0]
		}
	}
	form := integrationForm(in.Template, r.PostForm)
	form.Session, form.Date = in.MedicineSessionID, strings.TrimSpace(r.PostForm.Get("occurred_on"))
	if in.AddendumTo != "" {
		form = integrationForm("", nil)
		form.AddendumTo = in.AddendumTo
	} else if day, err := calendar.Parse(form.Date); err == nil {
		in.Day = day // one that cannot be read stays zero, and is refused
	}
	if _, err := s.app.WriteIntegrationNote(r.Context(), s.actor(r), in); err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			form.Errors = errs
			s.renderIntegration(w, r, http.StatusBadRequest, form, "")
		})
		return
	}
	notice := "The integration session note is signed."
	if in.AddendumTo != "" {
		notice = "The addendum is signed."
	}
	s.renderIntegration(w, r, http.StatusOK, integrationForm("", nil), notice)
}
