package care

import (
	"fmt"
	"math"
	"strings"
	"time"

	"doorway/internal/screening"
)

// Gates works out every gate for a medicine session at now: the course gates
// and then the day-of checks, in the order DESIGN.md §3 lists them. The
// session start page shows all of them; Ready and Blocking read the list.
func Gates(in GateInput, s Settings, now time.Time) []Gate {
	s = s.withDefaults()
	return append(courseGates(in, s, now), dayOfGates(in, s, now)...)
}

// CourseGates works out only the course gates, for the caseload board and
// the client's chart, where the day's checks would always look unfinished.
func CourseGates(in GateInput, s Settings, now time.Time) []Gate {
	return courseGates(in, s.withDefaults(), now)
}

func courseGates(in GateInput, s Settings, now time.Time) []Gate {
	gates := []Gate{screeningGate(in.Screening, s, now)}
	gates = append(gates, consentGates(in.Consents, in.Signatures, s)...)
	gates = append(gates,
		baselineGate(in.Baseline, s, now),
		dosingOrderGate(in.DosingOrder, s),
		preparationGate(in.PreparationSessions, s),
	)
	for i := range gates {
		gates[i].Scope = CourseScope
		gates[i].applyOverride(in.Overrides, nil)
	}
	return gates
}

// day formats a date the way the pages do, as the clinic's calendar day: a
// consent signed at 19:30 in Oregon was signed that day, not the next one,
// whatever the UTC date says.
func (s Settings) day(t time.Time) string {
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2 Jan 2006")
}

func screeningGate(d *ScreeningDecision, s Settings, now time.Time) Gate {
	g := Gate{ID: GateScreening, Title: "Screening approved"}
	var expires time.Time
	var lasting string
	if d != nil {
		expires = screening.ExpiresAt(d.At, s.Screening)
		lasting = fmt.Sprintf("approvals last %d days", s.Screening.ApprovalDays)
		if d.ExpiresAt != nil {
			expires = *d.ExpiresAt
			lasting = fmt.Sprintf("this one was given for %d days", int(math.Round(expires.Sub(d.At).Hours()/24)))
		}
	}
	switch {
	case d == nil:
		g.Why = "No prescriber has reviewed the screening yet."
		g.fixed = "a prescriber must review the screening and record a decision."
	case !d.ByPrescriber:
		g.Why = fmt.Sprintf("The screening decision was recorded by %s, who is not a prescriber; a prescriber must review it.", d.By)
		g.fixed = "a prescriber must record the screening decision."
	case d.Tier == screening.Exclude:
		g.Why = "Screening found an exclude-tier rule. This is a hard stop: there can be no medicine sessions."
		g.fixed = "an exclude-tier screening result is a hard stop."
	case d.Kind == screening.Decline:
		g.Why = fmt.Sprintf("%s declined this client at screening on %s.", d.By, s.day(d.At))
		g.fixed = "a declined screening can only be changed by a new screening decision."
	case !d.Kind.Approves():
		g.Why = fmt.Sprintf("The screening decision %q is not an approval.", string(d.Kind))
		g.fixed = "a prescriber must record an approval."
	case !now.Before(expires):
		g.Why = fmt.Sprintf("The screening approval of %s expired on %s (%s); a prescriber must renew it.", s.day(d.At), s.day(expires), lasting)
		g.Overridable = true
	default:
		g.Pass = true
		g.Why = fmt.Sprintf("%s by %s on %s; valid until %s.", d.Kind.Label(), d.By, s.day(d.At), s.day(expires))
	}
	return g
}

// consentGates makes one gate per required document. Consent is the client's
// to give, so no prescriber can override a missing one.
func consentGates(docs []ConsentDocument, sigs []Signature, s Settings) []Gate {
	const fixed = "only the client can give consent."
	if len(docs) == 0 {
		return []Gate{{
			ID: GateConsent, Title: "Consent signed",
			Why:   "The clinic has no required consent documents set up; an admin must add the informed consent before any medicine session.",
			fixed: fixed,
		}}
	}
	gates := make([]Gate, 0, len(docs))
	for _, doc := range docs {
		g := Gate{ID: ConsentGatePrefix + doc.ID, Title: fmt.Sprintf("Consent: %s", doc.Title), fixed: fixed}
		var current, withdrawn, older *Signature
		for i := range sigs {
			sig := &sigs[i]
			if sig.DocumentID != doc.ID {
				continue
			}
			switch {
			case sig.Version == doc.Version && !sig.Withdrawn:
				current = sig
			case sig.Version == doc.Version:
				withdrawn = sig
			case !sig.Withdrawn && (older == nil || sig.Version > older.Version):
				older = sig
			}
		}
		switch {
		case current != nil:
			g.Pass = true
			g.Why = fmt.Sprintf("'%s' version %d signed on %s.", doc.Title, doc.Version, s.day(current.At))
		case withdrawn != nil:
			g.Why = fmt.Sprintf("The client withdrew their consent to '%s' version %d.", doc.Title, doc.Version)
		case older != nil:
			g.Why = fmt.Sprintf("Version %d is not signed yet; the client signed version %d.", doc.Version, older.Version)
		default:
			g.Why = fmt.Sprintf("Version %d is not signed yet.", doc.Version)
		}
		gates = append(gates, g)
	}
	return gates
}

func baselineGate(done []Completion, s Settings, now time.Time) Gate {
	g := Gate{ID: GateBaseline, Title: "Baseline measures"}
	if len(s.BaselineInstruments) == 0 {
		g.Pass = true
		g.Why = "The clinic requires no baseline measures."
		return g
	}
	// Within 14 days means on or after the same clock time 14 calendar days
	// ago: a measure done exactly 14 days before still counts.
	cutoff := now.AddDate(0, 0, -s.BaselineDays)
	var ok, stale, never []string
	for _, in := range s.BaselineInstruments {
		var last time.Time
		for _, c := range done {
			if c.Instrument == in.ID && c.At.After(last) {
				last = c.At
			}
		}
		switch {
		case last.IsZero():
			never = append(never, in.Name)
		case last.Before(cutoff):
			stale = append(stale, fmt.Sprintf("%s was last done on %s", in.Name, s.day(last)))
		default:
			ok = append(ok, fmt.Sprintf("%s on %s", in.Name, s.day(last)))
		}
	}
	if len(never) == 0 && len(stale) == 0 {
		g.Pass = true
		g.Why = fmt.Sprintf("Done within %d days: %s.", s.BaselineDays, strings.Join(ok, ", "))
		return g
	}
	var problems []string
	if len(never) > 0 {
		verb := "has"
		if len(never) > 1 {
			verb = "have"
		}
		problems = append(problems, fmt.Sprintf("%s %s not been done", andList(never), verb))
	}
	problems = append(problems, stale...)
	g.Why = fmt.Sprintf("Baseline measures must be done within %d days before a medicine session: %s.", s.BaselineDays, strings.Join(problems, "; "))
	g.Overridable = true
	return g
}

// andList joins "a", "a and b", "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// dosingOrderGate cannot be overridden: the prescriber who could override it
// can write the order instead, and the session needs the order's maximum dose.
func dosingOrderGate(o *DosingOrder, s Settings) Gate {
	g := Gate{ID: GateDosingOrder, Title: "Dosing order", fixed: "a prescriber must write the dosing order; the session checks each dose against it."}
	switch {
	case o == nil:
		g.Why = "There is no dosing order for this course."
	case !o.ByPrescriber:
		g.Why = fmt.Sprintf("The dosing order was written by %s, who is not a prescriber.", o.By)
	default:
		g.Pass = true
		g.Why = fmt.Sprintf("Written by %s on %s.", o.By, s.day(o.At))
	}
	return g
}

func preparationGate(n int, s Settings) Gate {
	g := Gate{ID: GatePreparation, Title: "Preparation session"}
	sessions := func(k int) string {
		if k == 1 {
			return "1 preparation session"
		}
		return fmt.Sprintf("%d preparation sessions", k)
	}
	switch {
	case n >= s.MinPreparationSessions:
		g.Pass = true
		g.Why = fmt.Sprintf("%s documented.", sessions(n))
	case n <= 0:
		g.Why = fmt.Sprintf("No preparation session is documented yet; the clinic asks for at least %d.", s.MinPreparationSessions)
		g.Overridable = true
	default:
		g.Why = fmt.Sprintf("Only %s documented; the clinic asks for at least %d.", sessions(n), s.MinPreparationSessions)
		g.Overridable = true
	}
	return g
}
