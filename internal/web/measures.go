package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// What the measures pages share: reading a questionnaire form, and how
// scores, bands and dates are said.

// formAnswers reads a questionnaire form: each item's answer arrives as
// "a.<item key>". Every other field (a "total", say) is ignored: the score
// is worked out from the answers alone. missing names, in form order, the
// items that are asked, not optional and not answered.
func formAnswers(in *measures.Instrument, form url.Values) (a measures.Answers, missing []string, err error) {
	a = measures.Answers{}
	for name, vals := range form {
		key, ok := strings.CutPrefix(name, "a.")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		it, known := in.ItemByKey(key)
		v, convErr := strconv.Atoi(strings.TrimSpace(vals[0]))
		if !known || convErr != nil || len(vals) > 1 {
			number := key
			if known {
				number = it.Number
			}
			return nil, nil, problem.Invalidf(key, "The answer to question %s could not be read. Please choose one of the answers shown.", number)
		}
		a[key] = v
	}
	for _, it := range in.Items {
		if _, ok := a[it.Key]; !ok && !it.Optional && it.Enabled(a) {
			missing = append(missing, it.Key)
		}
	}
	return a, missing, nil
}

// scoreText is a response's score as people read it: "14 · Moderate",
// "Tier: high" for the C-SSRS.
func scoreText(in *measures.Instrument, r store.Response) string {
	if !r.HasTotal {
		if r.Tier != "" {
			return "Risk tier: " + r.Tier
		}
		return "—"
	}
	s := strconv.Itoa(r.Total)
	if b, ok := in.BandFor(r.Total); ok && len(in.Bands) > 0 {
		s += " · " + b.Label
	}
	return s
}

// bandLabel is the label of a response's band, "" without bands.
func bandLabel(in *measures.Instrument, r store.Response) string {
	if !r.HasTotal || len(in.Bands) == 0 {
		return ""
	}
	b, _ := in.BandFor(r.Total)
	return b.Label
}

func itoa(n int) string { return fmt.Sprint(n) }

// dayText is a date in the clinic's zone, as due dates are shown.
func dayText(t time.Time, tf timefmt.Format) string { return tf.DayMonth(t) }

// dateText is a date with its year, as scores are listed.
func dateText(t time.Time, tf timefmt.Format) string { return tf.Date(t) }
