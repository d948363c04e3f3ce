package care

import (
	"fmt"
	"math"
	"strings"
	"time"

	"doorway/internal/calendar"
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
	today := s.dayOf(now)
	gates := []Gate{screeningGate(in.Screening, s, today)}
	gates = append(gates, consentGates(in.Consents, in.Signatures, s, today)...)
	gates = append(gates,
		baselineGate(in.Baseline, s, today),
		dosingOrderGate(in.DosingOrder, s, today),
		preparationGate(in.PreparationSessions, s),
	)
	for i := range gates {
		gates[i].Scope = CourseScope
		gates[i].applyOverride(in.Overrides, nil)
	}
	return gates
}

// screeningGate counts an approval's days on the clinic's calendar: given on
// day D for N days, it holds through D+N-1 and has expired on D+N. An
// expired approval is renewed only by a new screening decision, never by an
// override (CLINICAL.md §1): the prescriber must look at the screening again.
func screeningGate(d *ScreeningDecision, s Settings, today calendar.Day) Gate {
	g := Gate{ID: GateScreening, Title: "Screening approved"}
	var decided, expires calendar.Day
	var lasting string
	if d != nil {
		decided = s.dayOf(d.At)
		expires, lasting = approvalExpiry(*d, s)
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
		g.Why = fmt.Sprintf("%s declined this client at screening on %s.", d.By, dayText(decided, today))
		g.fixed = "a declined screening can only be changed by a new screening decision."
	case !d.Kind.Approves():
		g.Why = fmt.Sprintf("The screening decision %q is not an approval.", string(d.Kind))
		g.fixed = "a prescriber must record an approval."
	case !today.Before(expires):
		g.Why = fmt.Sprintf("The screening approval of %s expired on %s (%s, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again.",
			dayText(decided, today), dayText(expires, today), lasting)
		g.fixed = "an expired approval is renewed only by a new screening decision, never by an override."
	default:
		g.Pass = true
		g.Why = fmt.Sprintf("%s by %s on %s; valid through %s (%s).", d.Kind.Label(), d.By, dayText(decided, today), dayText(expires.AddDays(-1), today), lasting)
	}
	return g
}

// ApprovalExpiry is the clinic calendar day on which an approval decided
// as d stops being valid: it holds through the day before. Every page that
// says whether an approval has expired asks here, so none disagrees with
// the screening gate (CLINICAL.md §3: days are the clinic's calendar days).
func ApprovalExpiry(d ScreeningDecision, s Settings) calendar.Day {
	day, _ := approvalExpiry(d, s.withDefaults())
	return day
}

// ApprovalExpired reports whether an approval decided as d has expired by
// now, on the clinic's calendar.
func ApprovalExpired(d ScreeningDecision, s Settings, now time.Time) bool {
	s = s.withDefaults()
	exp, _ := approvalExpiry(d, s)
	return !s.dayOf(now).Before(exp)
}

// approvalExpiry is ApprovalExpiry with how long the approval lasts in
// words; s has its defaults.
func approvalExpiry(d ScreeningDecision, s Settings) (calendar.Day, string) {
	decided := s.dayOf(d.At)
	if d.ExpiresAt != nil {
		// The days it was given for, from the instants recorded: the
		// clinic day of the recorded end itself can fall a day off when a
		// daylight-saving change lies between.
		days := int(math.Round(d.ExpiresAt.Sub(d.At).Hours() / 24))
		return decided.AddDays(days), fmt.Sprintf("this one was given for %d days", days)
	}
	return screening.ExpiryDay(decided, s.Screening), fmt.Sprintf("approvals last %d days", s.Screening.ApprovalDays)
}

// consentGates makes one gate per required document. Consent is the client's
// to give, so no prescriber can override a missing one. A withdrawal voids
// every signature of the document made up to it (liveSignatures).
func consentGates(docs []ConsentDocument, sigs []Signature, s Settings, today calendar.Day) []Gate {
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
		var current, older *Signature
		for _, sig := range liveSignatures(sigs, doc.ID) {
			switch {
			case sig.Version == doc.Version:
				current = &sig
			case older == nil || sig.Version > older.Version:
				older = &sig
			}
		}
		withdrawn, wasWithdrawn := lastWithdrawal(sigs, doc.ID)
		switch {
		case current != nil:
			g.Pass = true
			g.Why = fmt.Sprintf("'%s' version %d signed on %s.", doc.Title, doc.Version, dayText(s.dayOf(current.At), today))
		case wasWithdrawn:
			g.Why = fmt.Sprintf("The client withdrew their consent to '%s' on %s, which voids every signature of it made before then; version %d must be signed again.",
				doc.Title, dayText(s.dayOf(withdrawn), today), doc.Version)
		case older != nil:
			g.Why = fmt.Sprintf("Version %d is not signed yet; the client signed version %d.", doc.Version, older.Version)
		default:
			g.Why = fmt.Sprintf("Version %d is not signed yet.", doc.Version)
		}
		gates = append(gates, g)
	}
	return gates
}

// baselineGate counts calendar days on the clinic's calendar: a PHQ-9 done
// on 4 Mar is 14 days before 18 Mar and counts, whatever the hours and
// whatever a daylight-saving change did in between; one done on 3 Mar is 15
// days before, and does not.
func baselineGate(done []Completion, s Settings, today calendar.Day) Gate {
	g := Gate{ID: GateBaseline, Title: "Baseline measures"}
	if len(s.BaselineInstruments) == 0 {
		g.Pass = true
		g.Why = "The clinic requires no baseline measures."
		return g
	}
	var ok, problems, never []string
	for _, in := range s.BaselineInstruments {
		var last time.Time
		for _, c := range done {
			if c.Instrument == in.ID && c.At.After(last) {
				last = c.At
			}
		}
		if last.IsZero() {
			never = append(never, in.Name)
			continue
		}
		day := s.dayOf(last)
		switch ago := day.DaysUntil(today); {
		case ago < 0:
			problems = append(problems, fmt.Sprintf("%s is dated %s, after today (%s); check it", in.Name, dayText(day, today), dayText(today, today)))
		case ago > s.BaselineDays:
			problems = append(problems, fmt.Sprintf("%s was done on %s, %s before today (%s)", in.Name, dayText(day, today), daysWord(ago), dayText(today, today)))
		default:
			ok = append(ok, fmt.Sprintf("%s on %s", in.Name, dayText(day, today)))
		}
	}
	if len(never) == 0 && len(problems) == 0 {
		g.Pass = true
		g.Why = fmt.Sprintf("Done within %d days: %s; today is %s.", s.BaselineDays, strings.Join(ok, ", "), dayText(today, today))
		return g
	}
	if len(never) > 0 {
		verb := "has"
		if len(never) > 1 {
			verb = "have"
		}
		problems = append([]string{fmt.Sprintf("%s %s not been done", andList(never), verb)}, problems...)
	}
	g.Why = fmt.Sprintf("Baseline measures must be done within the %d days before a medicine session, counted in calendar days of the clinic: %s.",
		s.BaselineDays, strings.Join(problems, "; "))
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
func dosingOrderGate(o *DosingOrder, s Settings, today calendar.Day) Gate {
	g := Gate{ID: GateDosingOrder, Title: "Dosing order", fixed: "a prescriber must write the dosing order; the session checks each dose against it."}
	switch {
	case o == nil:
		g.Why = "There is no dosing order for this course."
	case !o.ByPrescriber:
		g.Why = fmt.Sprintf("The dosing order was written by %s, who is not a prescriber.", o.By)
	default:
		g.Pass = true
		g.Why = fmt.Sprintf("Written by %s on %s.", o.By, dayText(s.dayOf(o.At), today))
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
