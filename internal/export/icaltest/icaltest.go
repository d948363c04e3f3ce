// Package icaltest checks an iCalendar object against RFC 5545 for any
// package's tests: directly on the text, with no library between (the
// physical lines, the content-line grammar, the components, every time
// resolved through the calendar's own VTIMEZONE), and then as
// github.com/arran4/golang-ical, a library that shares none of Doorway's
// code, reads it back.
package icaltest

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"doorway/internal/export"
)

// The rules of RFC 5545 checked directly, on the text itself, with no
// library between: it is what a strict reader would see.

// Prop is one content line: a property's name, parameters and value.
type Prop struct {
	Name   string
	Params map[string]string
	Value  string
}

// Component is a component (VCALENDAR, VEVENT, VTIMEZONE…) with its
// properties and the components inside it.
type Component struct {
	Name  string
	Props []Prop
	Subs  []*Component
}

// All lists c's properties of a name.
func (c *Component) All(name string) []Prop {
	var out []Prop
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// One is c's one property of a name; the test fails unless there is exactly one.
func (c *Component) One(t *testing.T, name string) Prop {
	t.Helper()
	ps := c.All(name)
	if len(ps) != 1 {
		t.Fatalf("%s has %d %s properties, want exactly one", c.Name, len(ps), name)
	}
	return ps[0]
}

// Sub lists the components of a name inside c.
func (c *Component) Sub(name string) []*Component {
	var out []*Component
	for _, s := range c.Subs {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// rfcParse checks the physical lines (§3.1: CRLF ends, at most 75 octets,
// continuation lines begin with one space), unfolds them, splits each into
// name, parameters and value (§3.1's contentline grammar) and builds the
// Component tree, checking BEGIN and END match.
func rfcParse(t *testing.T, raw string) *Component {
	t.Helper()
	if !strings.HasSuffix(raw, "\r\n") {
		t.Fatal("the calendar does not end with CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatal("the first line is a continuation")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	root := &Component{Name: "(root)"}
	stack := []*Component{root}
	for _, l := range lines {
		p := parseLine(t, l)
		top := stack[len(stack)-1]
		switch p.Name {
		case "BEGIN":
			c := &Component{Name: p.Value}
			top.Subs = append(top.Subs, c)
			stack = append(stack, c)
		case "END":
			if p.Value != top.Name {
				t.Fatalf("END:%s closes %s", p.Value, top.Name)
			}
			stack = stack[:len(stack)-1]
		default:
			top.Props = append(top.Props, p)
		}
	}
	if len(stack) != 1 || len(root.Subs) != 1 || root.Subs[0].Name != "VCALENDAR" {
		t.Fatalf("not one VCALENDAR: %d open, %d top-level components", len(stack)-1, len(root.Subs))
	}
	return root.Subs[0]
}

func parseLine(t *testing.T, l string) Prop {
	t.Helper()
	p := Prop{Params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		t.Fatalf("no name in %q", l)
	}
	p.Name, l = l[:i], l[i:]
	for strings.HasPrefix(l, ";") {
		eq := strings.IndexByte(l, '=')
		if eq < 0 {
			t.Fatalf("parameter without a value in %q", l)
		}
		key, rest := l[1:eq], l[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				t.Fatalf("unclosed quote in %q", l)
			}
			val, rest = rest[1:end+1], rest[end+2:]
		} else {
			end := strings.IndexAny(rest, ";:")
			if end < 0 {
				t.Fatalf("no value in %q", l)
			}
			val, rest = rest[:end], rest[end:]
		}
		p.Params[key] = val
		l = rest
	}
	if !strings.HasPrefix(l, ":") {
		t.Fatalf("no ':' before the value in %q", l)
	}
	p.Value = l[1:]
	return p
}

// observance is one STANDARD or DAYLIGHT onset of a VTIMEZONE.
type observance struct {
	onset    time.Time // as an instant
	from, to int       // seconds east of UTC
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("UTC offset %q", s)
	}
	n := func(a, b int) int { v, _ := strconv.Atoi(s[a:b]); return v }
	secs := n(1, 3)*3600 + n(3, 5)*60
	if len(s) == 7 {
		secs += n(5, 7)
	}
	if s[0] == '-' {
		secs = -secs
	}
	return secs
}

// zonesOf reads every VTIMEZONE into observances sorted by onset, checking
// each has what §3.6.5 requires.
func zonesOf(t *testing.T, cal *Component) map[string][]observance {
	t.Helper()
	out := map[string][]observance{}
	for _, tz := range cal.Sub("VTIMEZONE") {
		id := tz.One(t, "TZID").Value
		var obs []observance
		for _, o := range tz.Subs {
			if o.Name != "STANDARD" && o.Name != "DAYLIGHT" {
				t.Errorf("VTIMEZONE %s holds %s", id, o.Name)
				continue
			}
			local, err := time.Parse("20060102T150405", o.One(t, "DTSTART").Value)
			if err != nil {
				t.Fatalf("observance DTSTART: %v", err)
			}
			ob := observance{from: parseOffset(t, o.One(t, "TZOFFSETFROM").Value), to: parseOffset(t, o.One(t, "TZOFFSETTO").Value)}
			ob.onset = local.Add(-time.Duration(ob.from) * time.Second)
			obs = append(obs, ob)
		}
		if len(obs) == 0 {
			t.Errorf("VTIMEZONE %s has no observance", id)
		}
		sort.Slice(obs, func(i, j int) bool { return obs[i].onset.Before(obs[j].onset) })
		out[id] = obs
	}
	return out
}

// instant reads a DATE-TIME property as §3.3.5 says: UTC with a Z, else the
// local time of its TZID, resolved through that VTIMEZONE's own observances
// (not Go's zone data); a local time that occurs twice is its first
// occurrence.
func instant(t *testing.T, zones map[string][]observance, p Prop) time.Time {
	t.Helper()
	if v, ok := strings.CutSuffix(p.Value, "Z"); ok {
		if _, has := p.Params["TZID"]; has {
			t.Errorf("%s has both a TZID and a UTC time", p.Name)
		}
		u, err := time.Parse("20060102T150405", v)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	id, ok := p.Params["TZID"]
	if !ok {
		t.Fatalf("%s:%s is a floating time", p.Name, p.Value)
	}
	obs, ok := zones[id]
	if !ok {
		t.Fatalf("TZID %q has no VTIMEZONE", id)
	}
	local, err := time.Parse("20060102T150405", p.Value)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range obs {
		u := local.Add(-time.Duration(o.to) * time.Second)
		if u.Before(o.onset) || (i+1 < len(obs) && !u.Before(obs[i+1].onset)) {
			continue
		}
		return u // the earliest observance that holds it: the first occurrence
	}
	t.Fatalf("%s:%s falls in no observance of %s", p.Name, p.Value, id)
	return time.Time{}
}

// Check checks the calendar-level and event-level required
// properties and that every time names the instant meant; it returns the
// parsed calendar.
func Check(t *testing.T, raw string, c export.Calendar) *Component {
	t.Helper()
	cal := rfcParse(t, raw)
	if v := cal.One(t, "VERSION").Value; v != "2.0" {
		t.Errorf("VERSION:%s", v)
	}
	if v := cal.One(t, "PRODID").Value; v != export.ProdID {
		t.Errorf("PRODID:%s", v)
	}
	zones := zonesOf(t, cal)
	var walk func(c *Component)
	walk = func(c *Component) {
		for _, p := range c.Props {
			if id, ok := p.Params["TZID"]; ok && zones[id] == nil {
				t.Errorf("%s names TZID %q, which has no VTIMEZONE", p.Name, id)
			}
		}
		for _, s := range c.Subs {
			walk(s)
		}
	}
	walk(cal)
	events := cal.Sub("VEVENT")
	if len(events) != len(c.Events) {
		t.Fatalf("%d VEVENTs, want %d", len(events), len(c.Events))
	}
	for i, ev := range events {
		want := c.Events[i]
		if uid := ev.One(t, "UID").Value; uid != want.UID {
			t.Errorf("event %d: UID %q, want %q", i, uid, want.UID)
		}
		stamp := ev.One(t, "DTSTAMP")
		if !strings.HasSuffix(stamp.Value, "Z") || !instant(t, zones, stamp).Equal(want.Updated.Truncate(time.Second)) {
			t.Errorf("event %s: DTSTAMP %s, want %v in UTC", want.UID, stamp.Value, want.Updated)
		}
		if got := instant(t, zones, ev.One(t, "DTSTART")); !got.Equal(want.Start) {
			t.Errorf("event %s: DTSTART %v names %v, want %v", want.UID, ev.One(t, "DTSTART"), got, want.Start.UTC())
		}
		if got := instant(t, zones, ev.One(t, "DTEND")); !got.Equal(want.End) {
			t.Errorf("event %s: DTEND %v names %v, want %v", want.UID, ev.One(t, "DTEND"), got, want.End.UTC())
		}
		status := "CONFIRMED"
		if want.Cancelled {
			status = "CANCELLED"
		}
		if got := ev.One(t, "STATUS").Value; got != status {
			t.Errorf("event %s: STATUS:%s, want %s", want.UID, got, status)
		}
		if got := ev.One(t, "SEQUENCE").Value; got != strconv.Itoa(want.Sequence) {
			t.Errorf("event %s: SEQUENCE:%s, want %d", want.UID, got, want.Sequence)
		}
	}
	return cal
}

// ParseWithLibrary reads the calendar with github.com/arran4/golang-ical,
// an iCalendar library that does not share our code, and checks what it
// reads back: names, times (through its own zone lookup), escaped text,
// status and sequence.
func ParseWithLibrary(t *testing.T, raw string, c export.Calendar) {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the calendar: %v", err)
	}
	calProps := map[string]string{}
	for _, p := range cal.CalendarProperties {
		calProps[p.IANAToken] = p.Value
	}
	if c.Name != "" && calProps["X-WR-CALNAME"] != c.Name {
		t.Errorf("golang-ical reads X-WR-CALNAME %q, want %q", calProps["X-WR-CALNAME"], c.Name)
	}
	if calProps["METHOD"] != c.Method {
		t.Errorf("golang-ical reads METHOD %q, want %q", calProps["METHOD"], c.Method)
	}
	evs := cal.Events()
	if len(evs) != len(c.Events) {
		t.Fatalf("golang-ical reads %d events, want %d", len(evs), len(c.Events))
	}
	for i, ev := range evs {
		want := c.Events[i]
		get := func(p ics.ComponentProperty) string {
			if v := ev.GetProperty(p); v != nil {
				return v.Value
			}
			return ""
		}
		if ev.Id() != want.UID || get(ics.ComponentPropertySummary) != want.Summary ||
			get(ics.ComponentPropertyDescription) != want.Description || get(ics.ComponentPropertyLocation) != want.Location {
			t.Errorf("golang-ical reads event %d as UID %q, summary %q, description %q, location %q; want %+v",
				i, ev.Id(), get(ics.ComponentPropertySummary), get(ics.ComponentPropertyDescription), get(ics.ComponentPropertyLocation), want)
		}
		start, err := ev.GetStartAt()
		if err != nil || !start.Equal(want.Start) {
			t.Errorf("golang-ical reads event %s's start as %v (%v), want %v", want.UID, start, err, want.Start)
		}
		end, err := ev.GetEndAt()
		if err != nil || !end.Equal(want.End) {
			t.Errorf("golang-ical reads event %s's end as %v (%v), want %v", want.UID, end, err, want.End)
		}
		if seq := get(ics.ComponentPropertySequence); seq != strconv.Itoa(want.Sequence) {
			t.Errorf("golang-ical reads event %s's sequence as %q", want.UID, seq)
		}
		if st := get(ics.ComponentPropertyStatus); (st == "CANCELLED") != want.Cancelled {
			t.Errorf("golang-ical reads event %s's status as %q, cancelled %v", want.UID, st, want.Cancelled)
		}
	}
}
