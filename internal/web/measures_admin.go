package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/web/view"
)

// The admin's side of the measures: the clinic's de-identified outcomes and
// the measures settings.

func outcomeRow(o practice.InstrumentOutcome) view.OutcomeRow {
	count := func(n int, has bool) string {
		if !has {
			return "—"
		}
		return fmt.Sprintf("%d (%.0f%%)", n, 100*float64(n)/float64(o.Clients))
	}
	return view.OutcomeRow{Title: o.Instrument.ShortTitle, Clients: o.Clients, MeanBaseline: mean(o.MeanBaseline()), MeanLatest: mean(o.MeanLatest()),
		Reliable: count(o.Reliable, o.HasReliable), Response: count(o.Response, true), Remission: count(o.Remission, o.HasRemission)}
}

// mean is a mean total as the outcomes say it.
func mean(v float64) string { return fmt.Sprintf("%.1f", v) }

func (s *Server) showOutcomes(w http.ResponseWriter, r *http.Request) {
	outs, err := s.app.ClinicOutcomes(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ov := view.OutcomesView{Generated: view.When(s.now(), s.timeFormat(r))}
	for _, o := range outs {
		ov.Rows = append(ov.Rows, outcomeRow(o))
	}
	s.render(w, r, http.StatusOK, view.Outcomes(s.page(r, "Clinic outcomes", "/admin/outcomes"), ov))
}

func (s *Server) exportOutcomes(w http.ResponseWriter, r *http.Request) {
	outs, err := s.app.ExportClinicOutcomes(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="clinic-outcomes.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"instrument", "clients_with_two_scores", "mean_baseline", "mean_latest", "reliable_improvement", "response", "remission"}) // #nosec G104 -- the CSV goes straight to the response; a write fails only when the reader has gone, with no one left to tell
	for _, o := range outs {
		opt := func(n int, has bool) string {
			if !has {
				return ""
			}
			return strconv.Itoa(n)
		}
		cw.Write([]string{o.Instrument.ShortTitle, strconv.Itoa(o.Clients), mean(o.MeanBaseline()), mean(o.MeanLatest()), // #nosec G104 -- the CSV goes straight to the response; a write fails only when the reader has gone, with no one left to tell
			opt(o.Reliable, o.HasReliable), strconv.Itoa(o.Response), opt(o.Remission, o.HasRemission)})
	}
	cw.Flush()
}

// measureSettingsForm is the settings form showing f.
func measureSettingsForm(f practice.MeasureSettingsForm) view.MeasureSettingsForm {
	out := view.MeasureSettingsForm{CrisisText: f.CrisisText, DefaultCrisis: practice.DefaultCrisisText, PCL5Cutoff: f.PCL5Cutoff,
		CrisisCall: f.CrisisCall, CrisisSMS: f.CrisisSMS, CrisisEmergency: f.CrisisEmergency,
		DefaultCall: practice.DefaultCrisisCall, DefaultSMS: practice.DefaultCrisisSMS, DefaultEmergency: practice.DefaultCrisisEmergency,
		QIDS: f.QIDS, CSSRS: f.CSSRS, CSSRSConfirmed: f.CSSRSLicenceConfirmed, CSSRSLicence: f.CSSRSLicence}
	for _, in := range practice.RCIInstruments() {
		ref := f.RCI[in.ID]
		out.RCI = append(out.RCI, view.RCIField{ID: in.ID, Title: in.ShortTitle, SD: ref.SD, Reliability: ref.Reliability})
	}
	return out
}

func (s *Server) showMeasureSettings(w http.ResponseWriter, r *http.Request) {
	f, err := s.app.ReadMeasureSettings(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Measures settings", "/admin/settings")
	if r.URL.Query().Get("saved") == "1" {
		p.Flash, p.FlashKind = "Measures settings saved.", "ok"
	}
	s.render(w, r, http.StatusOK, view.MeasureSettings(p, measureSettingsForm(f)))
}

func (s *Server) doMeasureSettings(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	f := practice.MeasureSettingsForm{CrisisText: strings.TrimSpace(r.PostFormValue("crisis_text")),
		CrisisCall: strings.TrimSpace(r.PostFormValue("crisis_call")), CrisisSMS: strings.TrimSpace(r.PostFormValue("crisis_sms")),
		CrisisEmergency: strings.TrimSpace(r.PostFormValue("crisis_emergency")),
		PCL5Cutoff:      strings.TrimSpace(r.PostFormValue("pcl5_cutoff")), QIDS: r.PostFormValue("qids") == "1",
		CSSRS: r.PostFormValue("cssrs") == "1", CSSRSLicenceConfirmed: r.PostFormValue("cssrs_confirm") == "1", RCI: map[string]practice.RCIReference{}}
	for _, in := range practice.RCIInstruments() {
		f.RCI[in.ID] = practice.RCIReference{SD: strings.TrimSpace(r.PostFormValue("rci_sd_" + in.ID)),
			Reliability: strings.TrimSpace(r.PostFormValue("rci_r_" + in.ID))}
	}
	err := s.app.SaveMeasureSettings(r.Context(), s.actor(r), f)
	if errs := fieldErrors(err); len(errs) > 0 {
		form := measureSettingsForm(f)
		form.Errors = errs
		s.render(w, r, http.StatusBadRequest, view.MeasureSettings(s.page(r, "Measures settings", "/admin/settings"), form))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Back to the page by GET, so a reload does not post again.
	http.Redirect(w, r, "/admin/measures?saved=1", http.StatusSeeOther)
}

// fieldErrors gathers the refusals err holds that name a field (one, or
// several joined), each by its field, for a form to show beside its inputs.
func fieldErrors(err error) view.FieldErrors {
	errs := view.FieldErrors{}
	var walk func(error)
	walk = func(err error) {
		var p *problem.Error
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		} else if errors.As(err, &p) && p.Code == problem.Invalid && p.Field != "" {
			errs[p.Field] = p.Message
		}
	}
	if err != nil {
		walk(err)
	}
	return errs
}

// crisisButtons are the clinic's crisis buttons for a page.
func crisisButtons(c practice.Crisis) []view.CrisisButton {
	var out []view.CrisisButton
	for _, b := range c.Buttons() {
		out = append(out, view.CrisisButton{Label: b.Label, Href: b.Href, Primary: b.Primary})
	}
	return out
}
