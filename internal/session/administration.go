package session

import (
	"fmt"
	"time"

	"doorway/internal/problem"
	"doorway/internal/timefmt"
)

// The hard limits of CLINICAL.md §2 that no setting moves: an IV order or
// dose above 1 mg/kg is refused (1–4.5 mg/kg is the anaesthetic induction
// range [V R11d]), and so is an esketamine order above 84 mg.
const (
	ivMaxPerKg      = MgPerKg(100)
	esketamineMaxMg = Mg(840)
	// ivDefaultRateLimit: an infusion faster than 1 mg/kg/h needs a
	// prescriber's confirmation ("low dose" is ≤ 1 mg/kg/h [V R26]).
	ivDefaultRateLimit = MgPerKgHour(100)
)

// How long administration takes when its end is not recorded: a lozenge or
// tablet is held about 10 minutes, then spat out [V R27]; esketamine devices
// are 5 minutes apart [V R9]; an injection ends as it is given.
const (
	sublingualHold   = 10 * time.Minute
	deviceInterval   = 5 * time.Minute
	esketamineDevice = Mg(280)
)

// MgPerKgHour is an infusion rate in hundredths of a mg/kg/h:
// MgPerKgHour(75) is 0.75 mg/kg/h.
type MgPerKgHour int64

// String always shows two decimal places: "0.75 mg/kg/h".
func (r MgPerKgHour) String() string { return fixed(int64(r), 2, false) + " mg/kg/h" }

// Administration is a dose as it is given: the amount and the weight it was
// worked out for, when it began, how long an IV infusion runs, and when
// administration ended.
type Administration struct {
	Route  Route
	Mg     Mg
	Weight Kg
	// Started is when administration began: the dose time.
	Started time.Time
	// InfusionMinutes, for IV only, is how long the infusion is set to run:
	// the order's OverMinutes unless it is run over another time. The rate
	// is worked out from it before the dose is given, and it gives the end
	// of the infusion until the end is recorded.
	InfusionMinutes int
	// EndedAt is when administration ended, as recorded: the end of an IV
	// infusion, the last esketamine device, the moment a lozenge or tablet
	// was spat out. Zero while not recorded; Ended then assumes it.
	EndedAt time.Time
}

// Rate is an IV infusion's rate, mg/kg ÷ hours, to two places, half up:
// 40 mg at 80 kg over 20 min is 0.50 mg/kg ÷ ⅓ h = 1.50 mg/kg/h. Zero for
// other routes or without a weight or a duration.
func (a Administration) Rate() MgPerKgHour {
	if a.Route != IV || a.Weight <= 0 || a.InfusionMinutes <= 0 {
		return 0
	}
	// mg (tenths) ÷ kg (tenths) ÷ (minutes ÷ 60), × 100 for hundredths:
	// mg × 6000 ÷ (kg × minutes); the 2 and the added divisor round half up.
	d := int64(a.Weight) * int64(a.InfusionMinutes)
	return MgPerKgHour((2*int64(a.Mg)*6000 + d) / (2 * d))
}

// rateAbove compares the rate with a limit exactly, in integers: mg × 6000
// against limit × kg × minutes, both sides in the same units.
func (a Administration) rateAbove(limit MgPerKgHour) bool {
	return int64(a.Mg)*6000 > int64(limit)*int64(a.Weight)*int64(a.InfusionMinutes)
}

// CheckAdministration is CheckDose for a dose as it is about to be given,
// with its infusion time for IV: it refuses what CheckDose refuses, an IV
// dose without a duration (or with one outside 1–240 minutes), and a
// duration for any other route; and it adds the IV rate to the reasons a
// prescriber must confirm when it is above the clinic's line (default 1.00
// mg/kg/h). CLINICAL.md's convention, 0.5 mg/kg over 40 min, is 0.75
// mg/kg/h and needs no confirmation.
func CheckAdministration(o Order, a Administration, s Settings) (DoseCheck, error) {
	c, err := CheckDose(o, a.Route, a.Mg, a.Weight, s)
	if err != nil {
		return c, err
	}
	if a.Route != IV {
		if a.InfusionMinutes != 0 {
			return DoseCheck{}, problem.Invalidf("infusion_minutes", "Only an IV infusion has a duration.")
		}
		return c, nil
	}
	if a.InfusionMinutes < 1 || a.InfusionMinutes > maxInfusionMinutes {
		return DoseCheck{}, problem.Invalidf("infusion_minutes", "Give how long the infusion runs, 1 to %d minutes (40 is the convention).", maxInfusionMinutes)
	}
	c.RatePerKgHour = a.Rate()
	if limit := s.Route(IV).ivRateLimit(); a.rateAbove(limit) {
		shown := c.RatePerKgHour.String()
		// Rounding can land on the line itself (1.0025 shows as 1.00); say
		// which side of it the rate is.
		if c.RatePerKgHour <= limit {
			shown = "just over " + limit.String()
		}
		c.Reasons = append(c.Reasons, fmt.Sprintf("%s at %s over %d min is %s, above %s: faster than a low-dose infusion.",
			a.Mg, a.Weight, a.InfusionMinutes, shown, limit))
	}
	return c, nil
}

// Ended is when administration ended, with how that is known in words for
// the record. Without a recorded end it assumes one from the route (the
// review asked for sensible defaults): an IV infusion ends its set time
// after it began; the last esketamine device is given 5 minutes after the
// one before (3 devices: 10 minutes after the first); a lozenge or tablet is
// spat out about 10 minutes after it is placed; an injection ends as it is
// given. The minimum observation time counts from this instant. Zero when
// the dose time is not known. The words write times as tf does.
func (a Administration) Ended(tf timefmt.Format) (time.Time, string) {
	if a.Started.IsZero() {
		return time.Time{}, ""
	}
	if !a.EndedAt.IsZero() {
		switch a.Route {
		case IV:
			return a.EndedAt, "the end of the infusion at " + tf.Time(a.EndedAt)
		case Intranasal:
			return a.EndedAt, "the last device at " + tf.Time(a.EndedAt)
		case Lozenge, RDT:
			return a.EndedAt, fmt.Sprintf("the %s spat out at %s", a.Route.UnitNoun(), tf.Time(a.EndedAt))
		}
		return a.EndedAt, "the end of administration at " + tf.Time(a.EndedAt)
	}
	switch a.Route {
	case IV:
		end := a.Started.Add(time.Duration(a.InfusionMinutes) * time.Minute)
		return end, fmt.Sprintf("the end of the infusion at %s, %d min after it began (its end is not recorded)", tf.Time(end), a.InfusionMinutes)
	case Intranasal:
		n := max(int64(a.Mg/esketamineDevice), 1)
		end := a.Started.Add(time.Duration(n-1) * deviceInterval)
		return end, fmt.Sprintf("the last of %d devices at %s, taken as 5 min apart (its time is not recorded)", n, tf.Time(end))
	case Lozenge, RDT:
		end := a.Started.Add(sublingualHold)
		return end, fmt.Sprintf("the %s spat out at about %s, 10 min after the dose (the time is not recorded)", a.Route.UnitNoun(), tf.Time(end))
	}
	return a.Started, "the injection at " + tf.Time(a.Started)
}

// CheckEnd checks the end of administration as it is recorded at now: not
// before the dose began, and not after now. The refusal writes times as tf
// does.
func (a Administration) CheckEnd(ended, now time.Time, tf timefmt.Format) error {
	switch {
	case ended.IsZero():
		return problem.Invalidf("ended_at", "Record when administration ended.")
	case !a.Started.IsZero() && ended.Before(a.Started):
		return problem.Invalidf("ended_at", "Administration cannot end (%s) before the dose began (%s).", tf.Time(ended), tf.Time(a.Started))
	case ended.After(now):
		return problem.Invalidf("ended_at", "The end is timed after now; check the time.")
	}
	return nil
}

// Number is the rate as a form shows it: "0.75".
func (r MgPerKgHour) Number() string { return fixed(int64(r), 2, false) }

// ParseMgPerKgHour reads a rate typed in mg/kg/h, such as "0.75".
func ParseMgPerKgHour(field, s string) (MgPerKgHour, error) {
	v, err := parseFixed(field, s, 2, "mg/kg/h")
	return MgPerKgHour(v), err
}

// IVRateLimit is the IV rate above which a prescriber must confirm the
// dose: the clinic's, or 1.00 mg/kg/h when it has set none.
func (rs RouteSettings) IVRateLimit() MgPerKgHour { return rs.ivRateLimit() }
