package session

import (
	"strconv"
	"strings"

	"doorway/internal/problem"
)

// Mg is an amount of medicine in tenths of a milligram: Mg(415) is 41.5 mg.
// A tenth of a milligram is finer than any syringe or tablet can deliver, so
// no dose a person can give is lost to rounding.
type Mg int64

// Kg is a body weight in tenths of a kilogram: Kg(834) is 83.4 kg, the
// precision of a clinic scale.
type Kg int64

// MgPerKg is a weight-based dose in hundredths of a mg/kg: MgPerKg(75) is
// 0.75 mg/kg. Every dose in the clinical reference is written to two places.
type MgPerKg int64

// MgOf returns n whole milligrams.
func MgOf(n int64) Mg { return Mg(n * 10) }

// KgOf returns n whole kilograms.
func KgOf(n int64) Kg { return Kg(n * 10) }

// String gives the amount with its unit, without a needless ".0": "50 mg", "41.5 mg".
func (m Mg) String() string { return m.Number() + " mg" }

// Number gives the amount without its unit, as a form field shows it.
func (m Mg) Number() string { return fixed(int64(m), 1, true) }

// String gives the weight with its unit: "83 kg", "83.4 kg".
func (k Kg) String() string { return k.Number() + " kg" }

// Number gives the weight without its unit.
func (k Kg) Number() string { return fixed(int64(k), 1, true) }

// String always shows two decimal places ("0.50 mg/kg"), the way mg/kg doses
// are written in orders, so 0.5 and 0.05 cannot be mistaken for each other.
func (d MgPerKg) String() string { return d.Number() + " mg/kg" }

// Number gives the dose without its unit, to two places.
func (d MgPerKg) Number() string { return fixed(int64(d), 2, false) }

// ParseMg reads a dose typed into field, to at most one decimal place.
func ParseMg(field, s string) (Mg, error) {
	v, err := parseFixed(field, s, 1, "mg")
	return Mg(v), err
}

// ParseKg reads a weight typed into field, to at most one decimal place.
func ParseKg(field, s string) (Kg, error) {
	v, err := parseFixed(field, s, 1, "kg")
	return Kg(v), err
}

// ParseMgPerKg reads a weight-based dose typed into field, to at most two
// decimal places.
func ParseMgPerKg(field, s string) (MgPerKg, error) {
	v, err := parseFixed(field, s, 2, "mg/kg")
	return MgPerKg(v), err
}

// parseFixed reads a plain non-negative decimal ("41.5", "0.75", ".5") into an
// integer count of 10^-places. It refuses signs, exponents and thousands
// separators rather than guess: "1,5" could be 1.5 or 15, and a dose is no
// place to guess. Extra decimal places are refused, not rounded, unless they
// are zeros, so that what is stored is what was typed.
func parseFixed(field, s string, places int, unit string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, problem.Invalidf(field, "Enter a number of %s.", unit)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if (whole == "" && frac == "") || !digits(whole) || !digits(frac) {
		return 0, problem.Invalidf(field, "%q is not a number; use digits and a decimal point, such as 41.5.", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > places {
		return 0, problem.Invalidf(field, "Give %s to at most %d decimal place%s.", unit, places, plural(places))
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 6 {
		return 0, problem.Invalidf(field, "%s %s is far too large; check the number.", s, unit)
	}
	frac += strings.Repeat("0", places-len(frac))
	v, err := strconv.ParseInt("0"+whole+frac, 10, 64)
	if err != nil {
		// Unreachable after the checks above; kept so a change to them cannot
		// turn into a silent zero.
		return 0, problem.Invalidf(field, "%q is not a number.", s)
	}
	return v, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// fixed formats v, a count of 10^-places, as a decimal. With trim, trailing
// zeros after the point (and the point itself) are dropped.
func fixed(v int64, places int, trim bool) string {
	neg := v < 0
	if neg {
		v = -v
	}
	scale := int64(1)
	for range places {
		scale *= 10
	}
	s := strconv.FormatInt(v/scale, 10)
	frac := strconv.FormatInt(v%scale, 10)
	frac = strings.Repeat("0", places-len(frac)) + frac
	if trim {
		frac = strings.TrimRight(frac, "0")
	}
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
