package session

import (
	"slices"

	"doorway/internal/problem"
)

// Route is how the medicine is given. The values are stored, so they never change.
type Route string

const (
	Lozenge    Route = "lozenge"    // sublingual ketamine lozenge (troche)
	RDT        Route = "rdt"        // sublingual ketamine rapid-dissolving tablet
	IM         Route = "im"         // intramuscular ketamine
	IV         Route = "iv"         // intravenous ketamine
	Intranasal Route = "intranasal" // intranasal esketamine
)

// routeFacts are what the clinical reference says about a route. They are
// facts for display, not settings: a clinic changes its ranges and units, not
// how long a lozenge takes to act.
type routeFacts struct {
	label           string
	drug            string
	unitNoun        string // what one unit is called; "" when not given in units
	onset           string
	bioavailability string
	// Plausible bounds on an order. They catch slips of the keyboard (5 for
	// 0.5 mg/kg, 4000 for 400 mg), not clinical judgement, which is what the
	// usual range and the prescriber's confirmation are for.
	minPerKg, maxPerKg MgPerKg
	maxMg              Mg
}

const sublingualBioavailability = "sublingual 32 ± 17%; any part swallowed, oral 23 ± 9% (display only)"

var routes = []Route{Lozenge, RDT, IM, IV, Intranasal}

var facts = map[Route]routeFacts{
	Lozenge: {
		label:           "Sublingual lozenge",
		drug:            "ketamine",
		unitNoun:        "lozenge",
		onset:           "Held under the tongue about 10 min, then spat out. Onset 15–20 min; peak about 40 min.",
		bioavailability: sublingualBioavailability,
		// Sublingual mg/kg runs several times the parenteral dose because
		// about a third is absorbed: 400 mg at 70 kg is 5.7 mg/kg.
		minPerKg: 25, maxPerKg: 1000, maxMg: MgOf(1000),
	},
	RDT: {
		label:           "Rapid-dissolving tablet (RDT)",
		drug:            "ketamine",
		unitNoun:        "tablet",
		onset:           "Held under the tongue about 10 min, then spat out. Onset 15–20 min; peak about 40 min.",
		bioavailability: sublingualBioavailability,
		minPerKg:        25, maxPerKg: 1000, maxMg: MgOf(1000),
	},
	IM: {
		label:           "Intramuscular",
		drug:            "ketamine",
		onset:           "Onset about 5 min; lasts about 60 min.",
		bioavailability: "about 93% (display only)",
		// Above 2 mg/kg is anaesthetic induction, never a psychotherapy dose.
		minPerKg: 5, maxPerKg: 200, maxMg: MgOf(300),
	},
	IV: {
		label:           "Intravenous",
		drug:            "ketamine",
		onset:           "Infused over minutes; 0.5 mg/kg over 40 min is the convention.",
		bioavailability: "100% (display only)",
		// Above 1 mg/kg is refused, not merely a slip to catch: 1–4.5 mg/kg
		// is the anaesthetic induction range [V R11d] (ivMaxPerKg).
		minPerKg: 5, maxPerKg: ivMaxPerKg, maxMg: MgOf(300),
	},
	Intranasal: {
		label:    "Intranasal esketamine",
		drug:     "esketamine",
		unitNoun: "device",
		onset:    "One 28 mg device at a time, 5 min between devices.",
		// CLINICAL.md gives no figure for intranasal esketamine; we show none
		// rather than one without a source.
		bioavailability: "",
		// Esketamine is given in fixed doses, never by weight, and an order
		// above 84 mg is refused (CLINICAL.md §2).
		maxMg: esketamineMaxMg,
	},
}

// Routes lists every route in the order a form offers them.
func Routes() []Route { return slices.Clone(routes) }

// ParseRoute reads a stored or submitted route.
func ParseRoute(s string) (Route, error) {
	r := Route(s)
	if !r.Valid() {
		return "", problem.Invalidf("route", "Choose a route: lozenge, RDT, IM, IV or intranasal.")
	}
	return r, nil
}

// Valid reports whether r is one of the routes Doorway knows.
func (r Route) Valid() bool { _, ok := facts[r]; return ok }

// Label is the route's name for people.
func (r Route) Label() string { return facts[r].label }

// Drug is "ketamine" or "esketamine".
func (r Route) Drug() string { return facts[r].drug }

// Counted reports whether the route is given in whole units (lozenges,
// tablets, devices), so a dose is also a number of units.
func (r Route) Counted() bool { return facts[r].unitNoun != "" }

// UnitNoun is what one unit of the form is called ("tablet"), "" for IM and IV.
func (r Route) UnitNoun() string { return facts[r].unitNoun }

// Onset describes how the form is taken and when it acts.
func (r Route) Onset() string { return facts[r].onset }

// Bioavailability is a figure for display only; no calculation uses it.
// It is "" where the clinical reference gives none.
func (r Route) Bioavailability() string { return facts[r].bioavailability }

// WeightBasedAllowed reports whether an order for this route may be in mg/kg.
func (r Route) WeightBasedAllowed() bool { return facts[r].maxPerKg > 0 }

// RouteSettings are a clinic's settings for one route.
type RouteSettings struct {
	// UnitMg is what a dose rounds down to. For lozenges and tablets it is the
	// strength the clinic stocks (50 or 100 mg); for esketamine the 28 mg
	// device; for IM and IV the smallest step the clinic draws up.
	UnitMg Mg
	// The usual range. A dose outside it needs a prescriber's confirmation.
	// Zero means no bound of that kind: sublingual and intranasal ranges are
	// in mg, IM and IV ranges in mg/kg.
	UsualMinMg, UsualMaxMg       Mg
	UsualMinPerKg, UsualMaxPerKg MgPerKg
	// ConfirmAbovePerKgHour, for IV only: an infusion faster than this
	// needs a prescriber's confirmation. Zero means the default, 1.00
	// mg/kg/h [V R26]; a clinic may set a lower rate, never a higher one.
	ConfirmAbovePerKgHour MgPerKgHour
}

// ivRateLimit is the IV rate above which a prescriber must confirm.
func (rs RouteSettings) ivRateLimit() MgPerKgHour {
	if rs.ConfirmAbovePerKgHour == 0 {
		return ivDefaultRateLimit
	}
	return rs.ConfirmAbovePerKgHour
}

// DefaultRouteSettings are the CLINICAL.md §2 defaults for r.
//
// IM and IV round down to a whole milligram: a 50 mg/mL vial in a 1 mL
// syringe is drawn to 0.01 mL (0.5 mg), so a whole mg is always measurable,
// and at a 40 mg dose the most it drops is 2.5% of the dose.
func DefaultRouteSettings(r Route) RouteSettings {
	switch r {
	case Lozenge, RDT:
		return RouteSettings{UnitMg: MgOf(50), UsualMinMg: MgOf(100), UsualMaxMg: MgOf(400)}
	case IM:
		return RouteSettings{UnitMg: MgOf(1), UsualMinPerKg: 50, UsualMaxPerKg: 75}
	case IV:
		return RouteSettings{UnitMg: MgOf(1), UsualMinPerKg: 10, UsualMaxPerKg: 75}
	case Intranasal:
		// 56 to 84 in 28 mg devices is exactly "56 or 84 mg".
		return RouteSettings{UnitMg: MgOf(28), UsualMinMg: MgOf(56), UsualMaxMg: MgOf(84)}
	}
	return RouteSettings{}
}

// UsualRange describes the usual range for people: "100–400 mg", "0.50–0.75 mg/kg".
func (rs RouteSettings) UsualRange() string {
	var s string
	if rs.UsualMinMg > 0 || rs.UsualMaxMg > 0 {
		s = rangeText(rs.UsualMinMg.Number(), rs.UsualMaxMg.Number(), rs.UsualMinMg > 0, rs.UsualMaxMg > 0) + " mg"
	}
	if rs.UsualMinPerKg > 0 || rs.UsualMaxPerKg > 0 {
		if s != "" {
			s += ", "
		}
		s += rangeText(rs.UsualMinPerKg.Number(), rs.UsualMaxPerKg.Number(), rs.UsualMinPerKg > 0, rs.UsualMaxPerKg > 0) + " mg/kg"
	}
	return s
}

func rangeText(lo, hi string, hasLo, hasHi bool) string {
	switch {
	case hasLo && hasHi:
		return lo + "–" + hi
	case hasLo:
		return "at least " + lo
	default:
		return "at most " + hi
	}
}

// validate checks a clinic's settings for r. Units are constrained to what is
// actually made: lozenges and tablets come in 50 and 100 mg, the esketamine
// device holds 28 mg.
func (rs RouteSettings) validate(r Route) error {
	field := "routes." + string(r)
	switch r {
	case Lozenge, RDT:
		if rs.UnitMg != MgOf(50) && rs.UnitMg != MgOf(100) {
			return problem.Invalidf(field+".unit_mg", "%s units are 50 or 100 mg.", r.Label())
		}
	case Intranasal:
		if rs.UnitMg != MgOf(28) {
			return problem.Invalidf(field+".unit_mg", "An esketamine device holds 28 mg.")
		}
	default:
		if rs.UnitMg < 1 || rs.UnitMg > MgOf(10) {
			return problem.Invalidf(field+".unit_mg", "The rounding step for %s is between 0.1 and 10 mg.", r.Label())
		}
	}
	if rs.UsualMinMg < 0 || rs.UsualMaxMg < 0 || rs.UsualMinPerKg < 0 || rs.UsualMaxPerKg < 0 {
		return problem.Invalidf(field, "A usual range cannot be negative.")
	}
	if rs.UsualMaxMg > 0 && rs.UsualMinMg > rs.UsualMaxMg {
		return problem.Invalidf(field+".usual_max_mg", "The usual maximum is below the usual minimum.")
	}
	if rs.UsualMaxPerKg > 0 && rs.UsualMinPerKg > rs.UsualMaxPerKg {
		return problem.Invalidf(field+".usual_max_per_kg", "The usual maximum is below the usual minimum.")
	}
	switch {
	case r == IV && (rs.ConfirmAbovePerKgHour < 0 || rs.ConfirmAbovePerKgHour > ivDefaultRateLimit):
		return problem.Invalidf(field+".confirm_above_per_kg_hour", "An infusion faster than %s needs a prescriber's confirmation; the clinic may ask from a lower rate, not a higher one.", ivDefaultRateLimit)
	case r != IV && rs.ConfirmAbovePerKgHour != 0:
		return problem.Invalidf(field+".confirm_above_per_kg_hour", "Only an IV infusion has a rate.")
	}
	return nil
}
