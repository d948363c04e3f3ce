package care

import (
	"fmt"
	"strings"
	"time"
)

// The gates of a couple's joint session (CLINICAL.md §5). Each partner is a
// client in their own right and passes their own gates; a joint session
// adds three more to each partner's list: the two are a couple in couples
// work, both have signed the couples consent, and the other partner's own
// gates are clear. So neither partner's dose can start while the other is
// held, and the page says which partner holds it.

// Joint gate IDs. The consent gates are one per partner: GateJointConsent
// + ":" + the partner's client id.
const (
	GateJointCouple  = "joint.couple"
	GateJointConsent = "joint.consent"
	GateJointPartner = "joint.partner"
)

// JointPartner is one partner as the joint gates see them.
type JointPartner struct {
	ClientID string
	Name     string
	// Signatures are the partner's signatures of the couples consent (by
	// kind, as GateInput's).
	Signatures []Signature
}

// JointInput is what the joint gates of one partner's page need.
type JointInput struct {
	// Linked: the two are a couple in couples work now.
	Linked bool
	// Couples is the clinic's couples consent document, current version.
	Couples ConsentDocument
	Self    JointPartner
	Partner JointPartner
	// PartnerGates are the partner's own gates (without the joint ones).
	PartnerGates []Gate
}

// JointGates works out the joint gates of one partner's page at now. None
// of them may be overridden: consent is each partner's to give, and the
// other partner's gates are cleared on their own page.
func JointGates(in JointInput, s Settings, now time.Time) []Gate {
	s = s.withDefaults()
	today := s.dayOf(now)
	couple := Gate{ID: GateJointCouple, Title: "Linked as a couple", Scope: CourseScope,
		fixed: "the two must be linked as a couple on the couples page."}
	if in.Linked {
		couple.Pass = true
		couple.Why = fmt.Sprintf("%s and %s are in couples work together.", in.Self.Name, in.Partner.Name)
	} else {
		couple.Why = fmt.Sprintf("%s and %s are not linked as a couple in couples work (or one of them has left it); a joint session needs both.", in.Self.Name, in.Partner.Name)
	}
	gates := []Gate{couple}
	for _, p := range []JointPartner{in.Self, in.Partner} {
		g := consentGates([]ConsentDocument{in.Couples}, p.Signatures, s, today)[0]
		g.ID = GateJointConsent + ":" + p.ClientID
		g.Title = "Couples consent: " + p.Name
		g.Scope = CourseScope
		g.Why = strings.ReplaceAll(g.Why, "The client", p.Name)
		if !g.Pass {
			g.Why = p.Name + ": " + g.Why
		}
		gates = append(gates, g)
	}
	partner := Gate{ID: GateJointPartner, Title: in.Partner.Name + "'s own gates", Scope: DayOfScope,
		fixed: "each partner's gates are cleared on their own page."}
	if Ready(in.PartnerGates) {
		partner.Pass = true
		partner.Why = fmt.Sprintf("Every gate of %s's is cleared.", in.Partner.Name)
	} else {
		var held []string
		for _, g := range Blocking(in.PartnerGates) {
			held = append(held, g.Title)
		}
		if len(held) == 0 {
			held = append(held, "the day's checks are not recorded yet")
		}
		partner.Why = fmt.Sprintf("%s is not ready yet, so neither dose starts: %s.", in.Partner.Name, strings.Join(held, "; "))
	}
	return append(gates, partner)
}
