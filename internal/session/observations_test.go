package session_test

import (
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
)

func TestSedationScale(t *testing.T) {
	scale := session.SedationScale()
	if len(scale) != 6 || scale[0] != session.FullyAlert || scale[5] != session.Unresponsive {
		t.Fatalf("scale %v", scale)
	}
	for _, s := range scale {
		if !s.Valid() || s.Label() == "" {
			t.Errorf("MOAA/S %d has no label", s)
		}
	}
	if !strings.Contains(session.FullyAlert.Label(), "normal voice") || !strings.Contains(session.Unresponsive.Label(), "No response") {
		t.Error("the ends of the scale are alert (5) and unresponsive (0)")
	}
	for _, s := range []session.Sedation{-1, 6} {
		if s.Valid() || s.Label() != "" {
			t.Errorf("MOAA/S %d is off the scale", s)
		}
	}
}

func TestObservationValidate(t *testing.T) {
	tests := []struct {
		name  string
		o     session.Observation
		field string
	}{
		{"score", session.Observation{At: at(30), Sedation: sed(4)}, ""},
		{"unresponsive is a score", session.Observation{At: at(30), Sedation: sed(0)}, ""},
		{"dissociation only", session.Observation{At: at(30), Dissociation: "Reports floating; calm."}, ""},
		{"no time", session.Observation{Sedation: sed(4)}, "at"},
		{"empty", session.Observation{At: at(30), Note: "  "}, "sedation"},
		{"off the scale", session.Observation{At: at(30), Sedation: sed(7)}, "sedation"},
		{"long note", session.Observation{At: at(30), Note: strings.Repeat("a", 2001)}, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.field == "" {
				mustOK(t, tt.o.Validate())
				return
			}
			mustFail(t, tt.o.Validate(), problem.Invalid, tt.field)
		})
	}
}

func TestAdverseKinds(t *testing.T) {
	kinds := session.AdverseKinds()
	// The thirteen of CLINICAL.md §3, and Other.
	if len(kinds) != 14 || kinds[len(kinds)-1] != session.OtherAdverse {
		t.Fatalf("picklist %v", kinds)
	}
	for _, k := range kinds {
		if !k.Valid() || k.Label() == "" {
			t.Errorf("%s has no label", k)
		}
	}
	if session.Dissociation.Label() != "Dissociation beyond the expected" {
		t.Errorf("dissociation label %q", session.Dissociation.Label())
	}
}

func TestAdverseEventValidate(t *testing.T) {
	ok := session.AdverseEvent{At: at(25), Kind: session.Nausea, Severity: session.Mild}
	tests := []struct {
		name  string
		edit  func(*session.AdverseEvent)
		field string
	}{
		{"mild, no action yet", func(e *session.AdverseEvent) {}, ""},
		{"moderate with action", func(e *session.AdverseEvent) {
			e.Severity, e.Action, e.Outcome = session.Moderate, "Ondansetron 4 mg ODT", session.Resolved
		}, ""},
		{"other, described", func(e *session.AdverseEvent) { e.Kind, e.Description = session.OtherAdverse, "Hiccups" }, ""},
		{"no time", func(e *session.AdverseEvent) { e.At = time.Time{} }, "at"},
		{"not on the list", func(e *session.AdverseEvent) { e.Kind = "itch" }, "kind"},
		{"other, undescribed", func(e *session.AdverseEvent) { e.Kind = session.OtherAdverse }, "description"},
		{"no severity", func(e *session.AdverseEvent) { e.Severity = "" }, "severity"},
		{"severe, no action", func(e *session.AdverseEvent) { e.Kind, e.Severity = session.AllergicReaction, session.Severe }, "action"},
		{"unknown outcome", func(e *session.AdverseEvent) { e.Outcome = "fine" }, "outcome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ok
			tt.edit(&e)
			if tt.field == "" {
				mustOK(t, e.Validate())
				return
			}
			mustFail(t, e.Validate(), problem.Invalid, tt.field)
		})
	}
}
