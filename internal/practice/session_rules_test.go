package practice_test

import (
	"context"
	"testing"

	"doorway/internal/session"
	"doorway/internal/store"
)

// TestRestoreLeavesTheRequestsRulesAlone: restoring a section builds the
// rules afresh; the rules the same request read before are not changed
// under it (a route's settings live in a map).
func TestRestoreLeavesTheRequestsRulesAlone(t *testing.T) {
	eachCalendarPractice(t, func(t *testing.T, p calendarPractice) {
		ctx := context.Background()
		rules := store.DefaultSessionRules()
		rdt := rules.Settings.Route(session.RDT)
		rdt.UnitMg = session.MgOf(100)
		rules.Settings.Routes[session.RDT] = rdt
		if err := p.app.SaveSessionRules(ctx, p.as("admin"), rules); err != nil {
			t.Fatal(err)
		}
		a := p.as("admin")
		read, err := p.app.SessionRules(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		restored, err := p.app.RestoreSessionRules(ctx, a, string(store.SectionRoutes))
		if err != nil {
			t.Fatal(err)
		}
		if got := read.Settings.Route(session.RDT).UnitMg; got != session.MgOf(100) {
			t.Errorf("the rules read before the restore now say %s", got)
		}
		if got := restored.Settings.Route(session.RDT).UnitMg; got != session.MgOf(50) {
			t.Errorf("restored: %s, want the default 50 mg", got)
		}
		if stored, err := p.app.SessionRules(ctx, p.as("admin")); err != nil || stored.Settings.Route(session.RDT).UnitMg != session.MgOf(50) {
			t.Errorf("stored after the restore: %v %v", stored.Settings.Route(session.RDT).UnitMg, err)
		}
	})
}
