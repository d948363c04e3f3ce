package fhir

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"doorway/internal/practice"
	"doorway/internal/problem"
)

// searchParam is a search parameter a resource type supports, as the
// CapabilityStatement lists it.
type searchParam struct {
	name string
	typ  string // FHIR search parameter type: token, string, date, reference
	doc  string
}

// Result parameters every search takes, and their limits.
const (
	paramCount  = "_count"
	paramSort   = "_sort"
	paramOffset = "_offset" // the paging cursor in next/previous links
	paramFormat = "_format"

	defaultCount = 50
	maxCount     = 200
	// maxOffset keeps a paging cursor from asking the database to skip
	// an unbounded number of rows.
	maxOffset = 100000
	// maxValues bounds the comma-separated alternatives of one parameter.
	maxValues = 100
)

// sortKey is one _sort key, already checked against the type's allow-list.
type sortKey struct {
	key  string
	desc bool
}

// searchQuery is a search whose parameter names have been checked.
type searchQuery struct {
	// values holds the type's own parameters (an empty value is refused).
	values url.Values
	count  int
	offset int
	sort   []sortKey
	// link is the query as understood, for the self and paging links.
	link url.Values
	// scope is which clients the caller may see, asked before any value
	// is read; the zero Scope for a type about no one.
	scope practice.Scope
}

// parseSearch checks every parameter of a search against the type's list:
// an unknown one is refused by name rather than ignored.
func parseSearch(r *http.Request, t *resourceType) (*searchQuery, error) {
	raw, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, problem.Invalidf("", "The query string is malformed: it could not be decoded.")
	}
	known := map[string]bool{}
	for _, p := range t.params {
		known[p.name] = true
	}
	// Unknown names first, all of them, so the answer does not depend on
	// which bad parameter happened to be read first.
	var unknown []string
	for name := range raw {
		switch name {
		case paramFormat, paramCount, paramOffset, paramSort:
		default:
			if !known[name] {
				unknown = append(unknown, safeToken(name))
			}
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, problem.Invalidf(unknown[0], "Unknown or unsupported search parameter for %s: %s. Supported: %s.",
			t.name, strings.Join(unknown, ", "), strings.Join(supported(t), ", "))
	}
	q := &searchQuery{values: url.Values{}, count: defaultCount, link: url.Values{}}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		vals := raw[name]
		switch name {
		case paramFormat:
			if err := checkFormat(vals); err != nil {
				return nil, err
			}
			q.link[name] = vals
		case paramCount:
			n, err := oneInt(name, vals, 0, -1)
			if err != nil {
				return nil, err
			}
			q.count = min(n, maxCount)
		case paramOffset:
			n, err := oneInt(name, vals, 0, maxOffset)
			if err != nil {
				return nil, err
			}
			q.offset = n
		case paramSort:
			if q.sort, err = parseSort(vals, t.sorts); err != nil {
				return nil, err
			}
			q.link[name] = vals
		default:
			for _, v := range vals {
				// FHIR lets a server ignore a parameter given without a
				// value; ignored, patient= would widen the search to every
				// record in scope when the caller meant one client's.
				if v == "" {
					return nil, problem.Invalidf(name, "The search parameter %s has no value. Give it one, or leave it out.", name)
				}
				q.values.Add(name, v)
				q.link.Add(name, v)
			}
		}
	}
	return q, nil
}

// supported lists what a search of t accepts, for error messages.
func supported(t *resourceType) []string {
	var out []string
	for _, p := range t.params {
		out = append(out, p.name)
	}
	return append(out, paramCount, paramSort, paramOffset, paramFormat)
}

// onlyFormat is the parameter check of a read or an operation: they take
// nothing but _format.
func onlyFormat(r *http.Request) error {
	raw, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return problem.Invalidf("", "The query string is malformed: it could not be decoded.")
	}
	var unknown []string
	for name, vals := range raw {
		if name == paramFormat {
			if err := checkFormat(vals); err != nil {
				return err
			}
			continue
		}
		unknown = append(unknown, safeToken(name))
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return problem.Invalidf(unknown[0], "Unsupported parameter: %s. This interaction takes only _format.", strings.Join(unknown, ", "))
	}
	return nil
}

// checkFormat accepts the JSON spellings of _format; this server speaks
// nothing else.
func checkFormat(vals []string) error {
	for _, v := range vals {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "json", "application/json", "application/fhir+json":
		default:
			return problem.Invalidf(paramFormat, "Only JSON is served: _format may be json, application/json or application/fhir+json.")
		}
	}
	return nil
}

// oneInt reads a parameter that must appear once as an integer in
// [lo, hi]; hi < 0 means no upper bound.
func oneInt(name string, vals []string, lo, hi int) (int, error) {
	if len(vals) != 1 {
		return 0, problem.Invalidf(name, "Give %s once.", name)
	}
	n, err := strconv.Atoi(vals[0])
	if err != nil || n < lo || (hi >= 0 && n > hi) {
		if hi >= 0 {
			return 0, problem.Invalidf(name, "%s must be a whole number from %d to %d.", name, lo, hi)
		}
		return 0, problem.Invalidf(name, "%s must be a whole number of at least %d.", name, lo)
	}
	return n, nil
}

// parseSort reads _sort=key,-key against the type's allow-list. Sort keys
// name orders that store code defines; nothing of the request reaches SQL.
func parseSort(vals []string, allowed []string) ([]sortKey, error) {
	if len(vals) != 1 {
		return nil, problem.Invalidf(paramSort, "Give _sort once, with keys separated by commas.")
	}
	var out []sortKey
	seen := map[string]bool{}
	for _, k := range strings.Split(vals[0], ",") {
		desc := strings.HasPrefix(k, "-")
		name := strings.TrimPrefix(k, "-")
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			return nil, problem.Invalidf(paramSort, "Cannot sort by %s. _sort accepts %s (prefix - for descending).",
				safeToken(k), strings.Join(allowed, ", "))
		}
		if seen[name] {
			return nil, problem.Invalidf(paramSort, "_sort names %s twice.", name)
		}
		seen[name] = true
		out = append(out, sortKey{key: name, desc: desc})
	}
	return out, nil
}

// splitValues splits a parameter's comma-separated alternatives (FHIR's OR),
// honouring the \, escape.
func splitValues(name, v string) ([]string, error) {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && v[i+1] == ',' {
			cur.WriteByte(',')
			i++
			continue
		}
		if v[i] == ',' {
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(v[i])
	}
	out = append(out, cur.String())
	if len(out) > maxValues {
		return nil, problem.Invalidf(name, "%s has more than %d alternatives.", name, maxValues)
	}
	for _, s := range out {
		if s == "" {
			return nil, problem.Invalidf(name, "%s has an empty alternative.", name)
		}
	}
	return out, nil
}

// dateRange reads one date search value with its prefix as an inclusive
// range of YYYY-MM-DD dates: a value at year or month precision covers the
// whole year or month. Either bound may be empty (open).
func dateRange(name, v string) (from, to string, err error) {
	prefix := "eq"
	if len(v) > 2 && v[0] >= 'a' && v[0] <= 'z' {
		prefix, v = v[:2], v[2:]
	}
	start, end, ok := datePeriod(v)
	if !ok {
		return "", "", problem.Invalidf(name, "%s must be a date such as 1980, 1980-04 or 1980-04-23, with an optional prefix eq, ge, le, gt or lt.", name)
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch prefix {
	case "eq":
		return day(start), day(end), nil
	case "ge":
		return day(start), "", nil
	case "le":
		return "", day(end), nil
	case "gt":
		return day(end.AddDate(0, 0, 1)), "", nil
	case "lt":
		return "", day(start.AddDate(0, 0, -1)), nil
	}
	return "", "", problem.Invalidf(name, "The prefix %s is not supported on %s: use eq, ge, le, gt or lt.", safeToken(prefix), name)
}

// narrowDays narrows an inclusive range of YYYY-MM-DD days ("" is open) by
// one date search value. A value takes one date; a range is the parameter
// repeated, so the bounds only ever narrow.
func narrowDays(name, v string, from, to *string) error {
	if strings.Contains(v, ",") {
		return problem.Invalidf(name, "%s takes one date per parameter; repeat it for a range, such as %s=ge2026-01-01&%s=le2026-03-31.", name, name, name)
	}
	lo, hi, err := dateRange(name, v)
	if err != nil {
		return err
	}
	if lo != "" && lo > *from {
		*from = lo
	}
	if hi != "" && (*to == "" || hi < *to) {
		*to = hi
	}
	return nil
}

// datePeriod is the first and last day a FHIR date of some precision covers.
func datePeriod(v string) (start, end time.Time, ok bool) {
	for _, f := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{time.DateOnly, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	} {
		if len(v) != len(f.layout) {
			continue
		}
		t, err := time.Parse(f.layout, v)
		if err != nil {
			return time.Time{}, time.Time{}, false
		}
		return t, f.next(t).AddDate(0, 0, -1), true
	}
	return time.Time{}, time.Time{}, false
}

// safeToken is a piece of the request fit to quote back in a message: short
// and plain, or a placeholder.
func safeToken(s string) string {
	if len(s) > 64 {
		return "(a long name)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.:$", c) >= 0) {
			return "(a name with unusual characters)"
		}
	}
	return s
}
