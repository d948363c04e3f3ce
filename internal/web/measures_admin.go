package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The admin's side of the measures: the clinic's de-identified outcomes and
// the measures settings.

// instrumentOutcome is one instrument's summary over the clinic's clients.
type instrumentOutcome struct {
	Instrument                    *measures.Instrument
	Clients                       int
	SumBaseline, SumLatest        int
	Reliable, Response, Remission int
	HasReliable, HasRemission     bool
}

// clinicOutcomes compares, for each client and instrument with two or more
// scores in one course, the course's first score with its newest. Nothing
// that names a client leaves this function: only counts and means.
func clinicOutcomes(rs []store.Response, mc measureConfig) []instrumentOutcome {
	type key struct{ client, course, instrument string }
	first, last, n := map[key]store.Response{}, map[key]store.Response{}, map[key]int{}
	for _, r := range rs { // oldest first
		k := key{r.ClientID, r.CourseID, r.InstrumentID}
		if n[k] == 0 {
			first[k] = r
		}
		last[k] = r
		n[k]++
	}
	by := map[string]*instrumentOutcome{}
	for k, count := range n {
		if count < 2 {
			continue
		}
		in, ok := measures.ByID(k.instrument)
		if !ok {
			continue
		}
		c, err := measures.Compare(resultOf(first[k]), resultOf(last[k]), mc.Thresholds)
		if err != nil {
			continue
		}
		o := by[in.ID]
		if o == nil {
			o = &instrumentOutcome{Instrument: in}
			by[in.ID] = o
		}
		o.Clients++
		o.SumBaseline += c.Baseline
		o.SumLatest += c.Latest
		o.HasReliable, o.HasRemission = c.Rule.ReliableChange > 0, c.Rule.HasRemission
		if c.ReliableImprovement {
			o.Reliable++
		}
		if c.Response {
			o.Response++
		}
		if c.Remission {
			o.Remission++
		}
	}
	var out []instrumentOutcome
	for _, in := range measures.All() {
		if o, ok := by[in.ID]; ok {
			out = append(out, *o)
		}
	}
	return out
}

func (o instrumentOutcome) row() view.OutcomeRow {
	mean := func(sum int) string { return fmt.Sprintf("%.1f", float64(sum)/float64(o.Clients)) }
	count := func(n int, has bool) string {
		if !has {
			return "—"
		}
		return fmt.Sprintf("%d (%.0f%%)", n, 100*float64(n)/float64(o.Clients))
	}
	return view.OutcomeRow{Title: o.Instrument.ShortTitle, Clients: o.Clients, MeanBaseline: mean(o.SumBaseline), MeanLatest: mean(o.SumLatest),
		Reliable: count(o.Reliable, o.HasReliable), Response: count(o.Response, true), Remission: count(o.Remission, o.HasRemission)}
}

func (s *Server) loadOutcomes(r *http.Request) ([]instrumentOutcome, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	var rs []store.Response
	var mc measureConfig
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if mc, err = loadMeasureConfig(ctx, tx, v.P.ClinicID); err != nil {
			return err
		}
		rs, err = tx.ClinicResponses(ctx, v.P.ClinicID)
		return err
	})
	return clinicOutcomes(rs, mc), err
}

func (s *Server) showOutcomes(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicOutcomes, access.Read) {
		return
	}
	outs, err := s.loadOutcomes(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "outcomes.read", ResourceType: "clinic_outcomes"})
	ov := view.OutcomesView{Generated: view.When(s.now(), viewerOf(r.Context()).Clinic.Location())}
	for _, o := range outs {
		ov.Rows = append(ov.Rows, o.row())
	}
	s.render(w, r, http.StatusOK, view.Outcomes(s.page(r, "Clinic outcomes", "/admin/outcomes"), ov))
}

func (s *Server) exportOutcomes(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicOutcomes, access.Export) {
		return
	}
	outs, err := s.loadOutcomes(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "outcomes.export", ResourceType: "clinic_outcomes"})
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="clinic-outcomes.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"instrument", "clients_with_two_scores", "mean_baseline", "mean_latest", "reliable_improvement", "response", "remission"})
	for _, o := range outs {
		opt := func(n int, has bool) string {
			if !has {
				return ""
			}
			return strconv.Itoa(n)
		}
		cw.Write([]string{o.Instrument.ShortTitle, strconv.Itoa(o.Clients),
			fmt.Sprintf("%.1f", float64(o.SumBaseline)/float64(o.Clients)), fmt.Sprintf("%.1f", float64(o.SumLatest)/float64(o.Clients)),
			opt(o.Reliable, o.HasReliable), strconv.Itoa(o.Response), opt(o.Remission, o.HasRemission)})
	}
	cw.Flush()
}

// rciInstruments are those whose totals an RCI reference makes sense for.
func rciInstruments() []*measures.Instrument {
	var out []*measures.Instrument
	for _, in := range measures.All() {
		if len(in.Bands) > 0 || in.ID == measures.PCL5 {
			out = append(out, in)
		}
	}
	return out
}

func measureSettingsForm(mc measureConfig, raw map[string]string) view.MeasureSettingsForm {
	f := view.MeasureSettingsForm{CrisisText: raw[store.SettingCrisisText], DefaultCrisis: DefaultCrisisText,
		PCL5Cutoff: strconv.Itoa(mc.Scoring.PCL5Cutoff), QIDS: mc.QIDS, CSSRS: mc.CSSRS, CSSRSConfirmed: mc.CSSRS, CSSRSLicence: mc.CSSRSLicence}
	for _, in := range rciInstruments() {
		sdKey, rKey := store.SettingRCI(in.ID)
		f.RCI = append(f.RCI, view.RCIField{ID: in.ID, Title: in.ShortTitle, SD: raw[sdKey], Reliability: raw[rKey]})
	}
	return f
}

func (s *Server) showMeasureSettings(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicSettings, access.Read) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	var mc measureConfig
	var raw map[string]string
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if mc, err = loadMeasureConfig(ctx, tx, v.P.ClinicID); err != nil {
			return err
		}
		raw, err = tx.ClinicSettings(ctx, v.P.ClinicID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Measures settings", "/admin/settings")
	if r.URL.Query().Get("saved") == "1" {
		p.Flash, p.FlashKind = "Measures settings saved.", "ok"
	}
	s.render(w, r, http.StatusOK, view.MeasureSettings(p, measureSettingsForm(mc, raw)))
}

func (s *Server) doMeasureSettings(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicSettings, access.Write) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	form := view.MeasureSettingsForm{CrisisText: strings.TrimSpace(r.PostFormValue("crisis_text")), DefaultCrisis: DefaultCrisisText,
		PCL5Cutoff: strings.TrimSpace(r.PostFormValue("pcl5_cutoff")), QIDS: r.PostFormValue("qids") == "1",
		CSSRS: r.PostFormValue("cssrs") == "1", CSSRSConfirmed: r.PostFormValue("cssrs_confirm") == "1"}
	errs := view.FieldErrors{}
	values := map[string]string{store.SettingCrisisText: form.CrisisText, store.SettingQIDSEnabled: flagValue(form.QIDS),
		store.SettingCSSRSEnabled: flagValue(form.CSSRS)}
	if n, err := strconv.Atoi(form.PCL5Cutoff); err != nil || n < 1 || n > 80 {
		errs["pcl5_cutoff"] = "Enter a whole number from 1 to 80; clinics use 31 to 33."
	} else if n == measures.DefaultPCL5Cutoff {
		values[store.SettingPCL5Cutoff] = ""
	} else {
		values[store.SettingPCL5Cutoff] = strconv.Itoa(n)
	}
	if form.CSSRS && !form.CSSRSConfirmed {
		errs["cssrs_confirm"] = "Confirm that the clinic holds a licence for electronic use before switching the C-SSRS on."
	}
	for _, in := range rciInstruments() {
		sdKey, rKey := store.SettingRCI(in.ID)
		sd, rel := strings.TrimSpace(r.PostFormValue("rci_sd_"+in.ID)), strings.TrimSpace(r.PostFormValue("rci_r_"+in.ID))
		form.RCI = append(form.RCI, view.RCIField{ID: in.ID, Title: in.ShortTitle, SD: sd, Reliability: rel})
		if sd == "" && rel == "" {
			values[sdKey], values[rKey] = "", ""
			continue
		}
		sdv, err1 := strconv.ParseFloat(sd, 64)
		rv, err2 := strconv.ParseFloat(rel, 64)
		if err1 != nil || !(sdv > 0) || sdv > 1000 {
			errs["rci_sd_"+in.ID] = "Enter a standard deviation above 0, such as 5.7, or leave both empty."
		}
		if err2 != nil || !(rv >= 0 && rv < 1) {
			errs["rci_r_"+in.ID] = "Enter a reliability from 0 to below 1, such as 0.84, or leave both empty."
		}
		values[sdKey], values[rKey] = strconv.FormatFloat(sdv, 'f', -1, 64), strconv.FormatFloat(rv, 'f', -1, 64)
	}
	now := s.now()
	if len(errs) == 0 {
		var current map[string]string
		err := s.st.Write(ctx, func(tx *store.Tx) error {
			var err error
			if current, err = tx.ClinicSettings(ctx, v.P.ClinicID); err != nil {
				return err
			}
			// The licence confirmation records who switched the C-SSRS on
			// and when; it stays as long as the C-SSRS is on.
			switch {
			case form.CSSRS && current[store.SettingCSSRSEnabled] != "1":
				values[store.SettingCSSRSLicence] = "Licence for electronic use confirmed by " + v.User.Name + " on " + view.When(now, v.Clinic.Location()) + "."
			case !form.CSSRS:
				values[store.SettingCSSRSLicence] = ""
			}
			return s.saveClinicSettings(ctx, tx, r, current, values, now, "measures", func(k, _ string) string { return k })
		})
		if err != nil {
			if f := problem.FieldOf(err); f != "" {
				errs[f] = problem.MessageOf(err)
			} else {
				s.fail(w, r, err)
				return
			}
		}
	}
	p := s.page(r, "Measures settings", "/admin/settings")
	if len(errs) > 0 {
		form.Errors = errs
		s.render(w, r, http.StatusBadRequest, view.MeasureSettings(p, form))
		return
	}
	// Back to the page by GET, so a reload does not post again.
	http.Redirect(w, r, "/admin/measures?saved=1", http.StatusSeeOther)
}

func flagValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}
