package session

import (
	"fmt"

	"doorway/internal/problem"
)

// Dose is a calculated dose, with what the record needs beside the mg.
type Dose struct {
	Route Route
	Mg    Mg
	// Units is how many lozenges, tablets or devices make up Mg, each of
	// UnitMg; zero for IM and IV, which are drawn up rather than counted.
	Units  int
	UnitMg Mg
	Weight Kg
	// PerKg is Mg ÷ Weight to two places, the figure the record shows next
	// to the weight used.
	PerKg MgPerKg
	// Calculated is mg/kg × weight before rounding to the unit, to the tenth
	// of a mg below; for a fixed order, the ordered dose.
	Calculated Mg
	// Capped is set when the order's maximum, not the weight, set the dose.
	Capped bool
}

// Calculate works out the dose an order gives at a weight.
//
// A weight-based dose is mg/kg × weight rounded DOWN to the form's unit (50 or
// 100 mg for lozenges and tablets, 28 mg for esketamine devices, the clinic's
// step for IM and IV): rounding down never gives more than was ordered. It is
// then held to the order's maximum, itself rounded down to the unit, so the
// dose given is always one that can be recorded.
func Calculate(o Order, weight Kg, s Settings) (Dose, error) {
	if err := o.Validate(s); err != nil {
		return Dose{}, err
	}
	if err := ValidateWeight(weight); err != nil {
		return Dose{}, err
	}
	unit := s.Route(o.Route).UnitMg
	d := Dose{Route: o.Route, UnitMg: unit, Weight: weight, Calculated: o.Mg}
	if o.WeightBased() {
		// Hundredths of mg/kg × tenths of kg are thousandths of a mg;
		// dividing by 100 gives tenths, truncated (both are positive, so
		// truncation is rounding down).
		d.Calculated = Mg(int64(o.MgPerKg) * int64(weight) / 100)
	}
	d.Mg = roundDown(d.Calculated, unit)
	if ceiling := roundDown(o.MaxMg, unit); d.Mg > ceiling {
		d.Mg, d.Capped = ceiling, true
	}
	if d.Mg <= 0 {
		return Dose{}, problem.Invalidf("mg_per_kg", "%s × %s is %s, less than one %s unit; the order cannot be given at this weight.",
			o.MgPerKg, weight, d.Calculated, unit)
	}
	if o.Route.Counted() {
		d.Units = int(d.Mg / unit)
	}
	d.PerKg = PerKg(d.Mg, weight)
	return d, nil
}

// PerKg is mg ÷ weight to two decimal places, half up. It is for the record;
// limits are compared exactly, never through this rounded figure.
func PerKg(mg Mg, weight Kg) MgPerKg {
	if weight <= 0 {
		return 0
	}
	// mg in tenths ÷ kg in tenths is mg/kg; ×100 for hundredths; the 2 and
	// the added weight round half up in integers.
	return MgPerKg((2*100*int64(mg) + int64(weight)) / (2 * int64(weight)))
}

func roundDown(m, unit Mg) Mg {
	if unit <= 0 {
		return m
	}
	return m - m%unit
}

// DoseCheck is the verdict on a dose about to be recorded. A dose that is
// refused never gets this far: CheckDose returns an error instead.
type DoseCheck struct {
	Mg     Mg
	Weight Kg
	PerKg  MgPerKg
	Units  int // as in Dose
	// RatePerKgHour is an IV infusion's rate, from CheckAdministration;
	// zero for other routes and from CheckDose.
	RatePerKgHour MgPerKgHour
	// Reasons say why a prescriber must confirm the dose; empty when the
	// dose may simply be given.
	Reasons []string
}

// NeedsConfirmation reports whether a prescriber must confirm the dose.
func (c DoseCheck) NeedsConfirmation() bool { return len(c.Reasons) > 0 }

// CheckDose checks a dose about to be given under an order.
//
// It refuses (problem.Invalid) a dose above the order's maximum: nobody can
// override that; the prescriber changes the order instead. It also refuses a
// route other than the order's, part of an esketamine device, and an IV dose
// above 1 mg/kg. The IV rate needs the infusion's duration:
// CheckAdministration checks it. It asks for
// a prescriber's confirmation when the dose is above what the order works out
// to, outside the route's usual range in mg or mg/kg, or not a whole number of
// lozenges or tablets. A dose below the order needs no confirmation: giving
// less is always allowed, and a low dose outside the usual range is still
// flagged by the range check.
func CheckDose(o Order, route Route, mg Mg, weight Kg, s Settings) (DoseCheck, error) {
	if route != o.Route {
		return DoseCheck{}, problem.Invalidf("route", "This course's order is for %s, not %s.", o.Route.Label(), route.Label())
	}
	if err := o.Validate(s); err != nil {
		return DoseCheck{}, problem.New(problem.Conflict,
			"The dosing order for this course is not valid (%s); the prescriber must correct it first.", problem.MessageOf(err))
	}
	if mg <= 0 {
		return DoseCheck{}, problem.Invalidf("mg", "Enter the dose given, in mg.")
	}
	if err := ValidateWeight(weight); err != nil {
		return DoseCheck{}, err
	}
	if mg > o.MaxMg {
		return DoseCheck{}, problem.Invalidf("mg", "%s is above this order's maximum of %s per session. It cannot be recorded; the prescriber must change the order.", mg, o.MaxMg)
	}
	// mg (tenths) × 100 against 1.00 mg/kg (hundredths) × kg (tenths):
	// exact, so 80 mg at 80 kg is 1.00 mg/kg and may be given, 80.1 may not.
	if route == IV && int64(mg)*100 > int64(ivMaxPerKg)*int64(weight) {
		return DoseCheck{}, problem.Invalidf("mg", "%s at %s is above %s: an IV dose above 1 mg/kg is refused, as 1 to 4.5 mg/kg is the anaesthetic induction range.", mg, weight, ivMaxPerKg)
	}
	rs := s.Route(route)
	c := DoseCheck{Mg: mg, Weight: weight, PerKg: PerKg(mg, weight)}
	if route.Counted() {
		if mg%rs.UnitMg != 0 {
			if route == Intranasal {
				return DoseCheck{}, problem.Invalidf("mg", "Esketamine is given in whole 28 mg devices; %s is not.", mg)
			}
			c.Reasons = append(c.Reasons, fmt.Sprintf("%s is not a whole number of %s %ss.", mg, rs.UnitMg, route.UnitNoun()))
		}
		c.Units = int(mg / rs.UnitMg)
	}
	if o.WeightBased() {
		// mg (tenths) × 100 against mg/kg (hundredths) × kg (tenths): both
		// sides in thousandths of a mg, so the comparison is exact.
		if int64(mg)*100 > int64(o.MgPerKg)*int64(weight) {
			c.Reasons = append(c.Reasons, fmt.Sprintf("%s is more than the ordered %s × %s = %s.",
				mg, o.MgPerKg, weight, Mg(int64(o.MgPerKg)*int64(weight)/100)))
		}
	} else if mg > o.Mg {
		c.Reasons = append(c.Reasons, fmt.Sprintf("%s is more than the ordered %s.", mg, o.Mg))
	}
	if rs.UsualMinMg > 0 && mg < rs.UsualMinMg || rs.UsualMaxMg > 0 && mg > rs.UsualMaxMg {
		c.Reasons = append(c.Reasons, fmt.Sprintf("%s is outside the usual %s for %s.", mg, rs.UsualRange(), route.Label()))
	}
	low := rs.UsualMinPerKg > 0 && int64(mg)*100 < int64(rs.UsualMinPerKg)*int64(weight)
	high := rs.UsualMaxPerKg > 0 && int64(mg)*100 > int64(rs.UsualMaxPerKg)*int64(weight)
	if low || high {
		shown := c.PerKg.String()
		// Rounding to two places can land on the bound itself (0.7496 shows
		// as 0.75); say which side of it the dose is, so the message never
		// reads as "0.75, outside 0.50–0.75".
		switch {
		case low && c.PerKg == rs.UsualMinPerKg:
			shown = "just under " + shown
		case high && c.PerKg == rs.UsualMaxPerKg:
			shown = "just over " + shown
		}
		c.Reasons = append(c.Reasons, fmt.Sprintf("%s at %s is %s, outside the usual %s for %s.",
			mg, weight, shown, rs.UsualRange(), route.Label()))
	}
	return c, nil
}
