package care

import (
	"strings"
	"testing"
	"time"
)

// TestJointGatesHoldBothUntilBothAreReady: the joint gates pass only when
// the two are linked, both have signed the current couples consent (a
// withdrawal voids it) and the partner's own gates are ready; the failing
// gates name the partner, and none can be overridden.
func TestJointGatesHoldBothUntilBothAreReady(t *testing.T) {
	now := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
	doc := ConsentDocument{ID: ConsentCouples, Title: "Consent to share in couples work", Version: 1}
	signed := []Signature{{ID: "s1", DocumentID: ConsentCouples, Version: 1, At: now.Add(-48 * time.Hour)}}
	ready := []Gate{{ID: GateScreening, Pass: true}, {ID: GateRide, Scope: DayOfScope, Pass: true}}
	in := JointInput{Linked: true, Couples: doc,
		Self:    JointPartner{ClientID: "p", Name: "Priya", Signatures: signed},
		Partner: JointPartner{ClientID: "b", Name: "Ben", Signatures: signed}, PartnerGates: ready}
	if g := JointGates(in, Settings{}, now); !allPass(g) || len(g) != 4 {
		t.Fatalf("all ready: %+v", g)
	}
	cases := map[string]func(*JointInput) (string, string){
		"not linked": func(j *JointInput) (string, string) { j.Linked = false; return GateJointCouple, "not linked" },
		"Ben never signed": func(j *JointInput) (string, string) {
			j.Partner.Signatures = nil
			return GateJointConsent + ":b", "Ben"
		},
		"Priya withdrew": func(j *JointInput) (string, string) {
			j.Self.Signatures = []Signature{{ID: "s1", DocumentID: ConsentCouples, Version: 1, At: now.Add(-48 * time.Hour), Withdrawn: true, WithdrawnAt: now.Add(-time.Hour)}}
			return GateJointConsent + ":p", "Priya withdrew"
		},
		"Ben's ride not confirmed": func(j *JointInput) (string, string) {
			j.PartnerGates = []Gate{{ID: GateScreening, Pass: true}, {ID: GateRide, Title: "Ride home", Scope: DayOfScope}}
			return GateJointPartner, "Ben is not ready yet, so neither dose starts: Ride home"
		},
		"Ben has no course": func(j *JointInput) (string, string) {
			j.PartnerGates = nil
			return GateJointPartner, "not recorded yet"
		},
	}
	for name, change := range cases {
		j := in
		id, says := change(&j)
		gates := JointGates(j, Settings{}, now)
		for _, g := range gates {
			if g.ID == id && (g.Pass || !strings.Contains(g.Why, says) || g.Overridable) {
				t.Errorf("%s: %+v", name, g)
			}
			if g.ID != id && !g.Pass {
				t.Errorf("%s: %s fails too: %s", name, g.ID, g.Why)
			}
		}
		if Ready(gates) {
			t.Errorf("%s: ready", name)
		}
	}
}

func allPass(gates []Gate) bool {
	for _, g := range gates {
		if !g.Pass {
			return false
		}
	}
	return true
}
