package session

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"doorway/internal/problem"
)

// Order is a prescriber's dosing order for a course: the route, the dose as
// either a fixed amount or mg/kg, and the most that may be given in one
// session whatever the weight.
type Order struct {
	Route   Route
	Mg      Mg      // a fixed dose; zero when the order is weight-based
	MgPerKg MgPerKg // a weight-based dose; zero when the order is fixed
	MaxMg   Mg      // the ceiling for one session; a dose above it is refused
	// OverMinutes is how long an IV infusion runs; zero for other routes.
	OverMinutes int
	Notes       string
}

// Limits on the parts of an order that are not doses.
const (
	maxInfusionMinutes = 240
	maxNotesRunes      = 2000
)

// WeightBased reports whether the dose is in mg/kg.
func (o Order) WeightBased() bool { return o.MgPerKg != 0 }

// Validate checks an order as a prescriber enters it. It returns the first
// problem found, with the field named.
func (o Order) Validate(s Settings) error {
	if !o.Route.Valid() {
		return problem.Invalidf("route", "Choose a route.")
	}
	f := facts[o.Route]
	unit := s.Route(o.Route).UnitMg
	switch {
	case o.Mg != 0 && o.MgPerKg != 0:
		return problem.Invalidf("dose", "Give either a dose in mg or a dose in mg/kg, not both.")
	case o.Mg == 0 && o.MgPerKg == 0:
		return problem.Invalidf("dose", "Give a dose in mg or in mg/kg.")
	case o.Mg < 0:
		return problem.Invalidf("mg", "The dose must be more than 0 mg.")
	case o.MgPerKg < 0:
		return problem.Invalidf("mg_per_kg", "The dose must be more than 0 mg/kg.")
	}
	if o.WeightBased() {
		if !o.Route.WeightBasedAllowed() {
			return problem.Invalidf("mg_per_kg", "%s is given in fixed doses; give the dose in mg.", o.Route.Label())
		}
		if o.Route == IV && o.MgPerKg > ivMaxPerKg {
			return problem.Invalidf("mg_per_kg", "An IV order above %s is refused: 1 to 4.5 mg/kg is the anaesthetic induction range, not a dose for psychotherapy.", ivMaxPerKg)
		}
		if o.MgPerKg < f.minPerKg || o.MgPerKg > f.maxPerKg {
			return problem.Invalidf("mg_per_kg", "%s is outside %s–%s for %s; check the decimal point.",
				o.MgPerKg, f.minPerKg.Number(), f.maxPerKg, o.Route.Label())
		}
	} else if o.Route.Counted() && o.Mg%unit != 0 {
		return problem.Invalidf("mg", "%s is not a whole number of %s %ss.", o.Mg, unit, o.Route.UnitNoun())
	}
	switch {
	case o.MaxMg <= 0:
		return problem.Invalidf("max_mg", "Give the most that may be given in one session.")
	case o.Route == Intranasal && o.MaxMg > esketamineMaxMg:
		return problem.Invalidf("max_mg", "An esketamine order above %s is refused: 56 or 84 mg is the dose (three 28 mg devices at most).", esketamineMaxMg)
	case o.MaxMg > f.maxMg:
		return problem.Invalidf("max_mg", "A maximum of %s is above %s for %s; check the number.", o.MaxMg, f.maxMg, o.Route.Label())
	case !o.WeightBased() && o.Mg > o.MaxMg:
		return problem.Invalidf("max_mg", "The maximum (%s) is below the dose (%s).", o.MaxMg, o.Mg)
	case o.Route.Counted() && o.MaxMg < unit:
		return problem.Invalidf("max_mg", "The maximum (%s) is less than one %s %s.", o.MaxMg, unit, o.Route.UnitNoun())
	}
	if o.Route == IV {
		if o.OverMinutes < 1 || o.OverMinutes > maxInfusionMinutes {
			return problem.Invalidf("over_minutes", "Give how long the infusion runs, 1 to %d minutes (40 is the convention).", maxInfusionMinutes)
		}
	} else if o.OverMinutes != 0 {
		return problem.Invalidf("over_minutes", "Only an IV infusion has a duration.")
	}
	if utf8.RuneCountInString(o.Notes) > maxNotesRunes {
		return problem.Invalidf("notes", "Notes are limited to %d characters.", maxNotesRunes)
	}
	return problem.Prose("notes", "The notes", o.Notes, maxNotesRunes)
}

// String describes the order the way a prescriber would write it:
// "0.50 mg/kg, Intravenous over 40 min, at most 60 mg per session".
func (o Order) String() string {
	var b strings.Builder
	if o.WeightBased() {
		b.WriteString(o.MgPerKg.String())
	} else {
		b.WriteString(o.Mg.String())
	}
	b.WriteString(", " + o.Route.Label())
	if o.OverMinutes > 0 {
		fmt.Fprintf(&b, " over %d min", o.OverMinutes)
	}
	fmt.Fprintf(&b, ", at most %s per session", o.MaxMg)
	return b.String()
}
