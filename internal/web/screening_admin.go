package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The admin's page for the thresholds of screening and of the course gates
// (practice.Thresholds). Each field shows its default and where the default
// comes from.

// screeningSettingsForm lays out the page from the stored values (raw) or
// what was typed (typed, when the form is shown again).
func screeningSettingsForm(raw map[string]string, typed map[string]string, ticked []string, rules store.SessionRules) view.ScreeningSettingsForm {
	f := view.ScreeningSettingsForm{}
	for _, t := range practice.Thresholds() {
		fld := view.ThresholdField{Name: t.Name, Label: t.Label, Hint: t.Hint, Unit: t.Unit, Default: num(t.Default), Source: t.Source(),
			Set: raw[t.Key] != "", Value: raw[t.Key], Decimal: !t.Whole}
		if typed != nil {
			fld.Value = typed[t.Name]
		}
		f.Fields = append(f.Fields, fld)
	}
	if ticked == nil {
		ticked = practice.BaselineOf(raw)
	}
	f.BaselineSet = raw[store.SettingBaselineInstruments] != ""
	for _, in := range practice.BaselineChoices() {
		f.Baseline = append(f.Baseline, view.BaselineChoice{ID: in.ID, Title: in.ShortTitle, Ticked: slices.Contains(ticked, in.ID)})
	}
	s := rules.Settings
	f.SessionLines = []string{
		"Pre-dose blood pressure above " + s.PreDose.Confirm.String() + ": a prescriber must confirm before dosing.",
		"Pre-dose blood pressure above " + s.PreDose.Hold.String() + ": hold, no dose today.",
		"Pre-dose heart rate above " + strconv.Itoa(s.Alerts.HRAbove) + " or SpO2 below " + strconv.Itoa(s.Alerts.SpO2Below) + "%: a prescriber must confirm.",
	}
	return f
}

func (s *Server) showScreeningSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.app.ScreeningSettings(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Screening and gates", "/admin/settings")
	if r.URL.Query().Get("saved") == "1" {
		p.Flash, p.FlashKind = "Screening and gate settings saved.", "ok"
	}
	s.render(w, r, http.StatusOK, view.ScreeningSettings(p, screeningSettingsForm(st.Raw, nil, nil, st.Session)))
}

func (s *Server) doScreeningSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in := practice.ScreeningSettingsInput{Values: map[string]string{}}
	if err := r.ParseForm(); err == nil {
		in.Whole = r.PostFormValue("form") == "screening"
		in.Baseline = r.PostForm["baseline"]
	}
	for _, t := range practice.Thresholds() {
		in.Values[t.Name] = strings.TrimSpace(r.PostFormValue(t.Name))
	}
	err := s.app.SaveScreeningSettings(ctx, s.actor(r), in)
	var errs practice.FieldErrors
	if errors.As(err, &errs) {
		st, err := s.app.ScreeningSettings(ctx, s.actor(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f := screeningSettingsForm(st.Raw, in.Values, append([]string{}, in.Baseline...), st.Session)
		f.Errors = view.FieldErrors(errs)
		s.render(w, r, http.StatusBadRequest, view.ScreeningSettings(s.page(r, "Screening and gates", "/admin/settings"), f))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Back to the page by GET, so a reload does not post again.
	http.Redirect(w, r, "/admin/screening?saved=1", http.StatusSeeOther)
}
