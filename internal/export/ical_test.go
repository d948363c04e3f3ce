package export_test

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"doorway/internal/export"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustICal(t *testing.T, c export.Calendar) string {
	t.Helper()
	var b bytes.Buffer
	if err := export.ICalendar(&b, c); err != nil {
		t.Fatalf("ICalendar: %v", err)
	}
	return b.String()
}

// at is a wall-clock time in loc.
func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// The rules of RFC 5545 this test checks directly, on the text itself, with
// no library between: it is what a strict reader would see.

type prop struct {
	name   string
	params map[string]string
	value  string
}

type component struct {
	name  string
	props []prop
	subs  []*component
}

func (c *component) all(name string) []prop {
	var out []prop
	for _, p := range c.props {
		if p.name == name {
			out = append(out, p)
		}
	}
	return out
}

func (c *component) one(t *testing.T, name string) prop {
	t.Helper()
	ps := c.all(name)
	if len(ps) != 1 {
		t.Fatalf("%s has %d %s properties, want exactly one", c.name, len(ps), name)
	}
	return ps[0]
}

func (c *component) sub(name string) []*component {
	var out []*component
	for _, s := range c.subs {
		if s.name == name {
			out = append(out, s)
		}
	}
	return out
}

// rfcParse checks the physical lines (§3.1: CRLF ends, at most 75 octets,
// continuation lines begin with one space), unfolds them, splits each into
// name, parameters and value (§3.1's contentline grammar) and builds the
// component tree, checking BEGIN and END match.
func rfcParse(t *testing.T, raw string) *component {
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
	root := &component{name: "(root)"}
	stack := []*component{root}
	for _, l := range lines {
		p := parseLine(t, l)
		top := stack[len(stack)-1]
		switch p.name {
		case "BEGIN":
			c := &component{name: p.value}
			top.subs = append(top.subs, c)
			stack = append(stack, c)
		case "END":
			if p.value != top.name {
				t.Fatalf("END:%s closes %s", p.value, top.name)
			}
			stack = stack[:len(stack)-1]
		default:
			top.props = append(top.props, p)
		}
	}
	if len(stack) != 1 || len(root.subs) != 1 || root.subs[0].name != "VCALENDAR" {
		t.Fatalf("not one VCALENDAR: %d open, %d top-level components", len(stack)-1, len(root.subs))
	}
	return root.subs[0]
}

func parseLine(t *testing.T, l string) prop {
	t.Helper()
	p := prop{params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		t.Fatalf("no name in %q", l)
	}
	p.name, l = l[:i], l[i:]
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
		p.params[key] = val
		l = rest
	}
	if !strings.HasPrefix(l, ":") {
		t.Fatalf("no ':' before the value in %q", l)
	}
	p.value = l[1:]
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
func zonesOf(t *testing.T, cal *component) map[string][]observance {
	t.Helper()
	out := map[string][]observance{}
	for _, tz := range cal.sub("VTIMEZONE") {
		id := tz.one(t, "TZID").value
		var obs []observance
		for _, o := range tz.subs {
			if o.name != "STANDARD" && o.name != "DAYLIGHT" {
				t.Errorf("VTIMEZONE %s holds %s", id, o.name)
				continue
			}
			local, err := time.Parse("20060102T150405", o.one(t, "DTSTART").value)
			if err != nil {
				t.Fatalf("observance DTSTART: %v", err)
			}
			ob := observance{from: parseOffset(t, o.one(t, "TZOFFSETFROM").value), to: parseOffset(t, o.one(t, "TZOFFSETTO").value)}
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
func instant(t *testing.T, zones map[string][]observance, p prop) time.Time {
	t.Helper()
	if v, ok := strings.CutSuffix(p.value, "Z"); ok {
		if _, has := p.params["TZID"]; has {
			t.Errorf("%s has both a TZID and a UTC time", p.name)
		}
		u, err := time.Parse("20060102T150405", v)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	id, ok := p.params["TZID"]
	if !ok {
		t.Fatalf("%s:%s is a floating time", p.name, p.value)
	}
	obs, ok := zones[id]
	if !ok {
		t.Fatalf("TZID %q has no VTIMEZONE", id)
	}
	local, err := time.Parse("20060102T150405", p.value)
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
	t.Fatalf("%s:%s falls in no observance of %s", p.name, p.value, id)
	return time.Time{}
}

// checkRFC5545 checks the calendar-level and event-level required
// properties and that every time names the instant meant; it returns the
// parsed calendar.
func checkRFC5545(t *testing.T, raw string, c export.Calendar) *component {
	t.Helper()
	cal := rfcParse(t, raw)
	if v := cal.one(t, "VERSION").value; v != "2.0" {
		t.Errorf("VERSION:%s", v)
	}
	if v := cal.one(t, "PRODID").value; v != export.ProdID {
		t.Errorf("PRODID:%s", v)
	}
	zones := zonesOf(t, cal)
	var walk func(c *component)
	walk = func(c *component) {
		for _, p := range c.props {
			if id, ok := p.params["TZID"]; ok && zones[id] == nil {
				t.Errorf("%s names TZID %q, which has no VTIMEZONE", p.name, id)
			}
		}
		for _, s := range c.subs {
			walk(s)
		}
	}
	walk(cal)
	events := cal.sub("VEVENT")
	if len(events) != len(c.Events) {
		t.Fatalf("%d VEVENTs, want %d", len(events), len(c.Events))
	}
	for i, ev := range events {
		want := c.Events[i]
		if uid := ev.one(t, "UID").value; uid != want.UID {
			t.Errorf("event %d: UID %q, want %q", i, uid, want.UID)
		}
		stamp := ev.one(t, "DTSTAMP")
		if !strings.HasSuffix(stamp.value, "Z") || !instant(t, zones, stamp).Equal(want.Updated.Truncate(time.Second)) {
			t.Errorf("event %s: DTSTAMP %s, want %v in UTC", want.UID, stamp.value, want.Updated)
		}
		if got := instant(t, zones, ev.one(t, "DTSTART")); !got.Equal(want.Start) {
			t.Errorf("event %s: DTSTART %v names %v, want %v", want.UID, ev.one(t, "DTSTART"), got, want.Start.UTC())
		}
		if got := instant(t, zones, ev.one(t, "DTEND")); !got.Equal(want.End) {
			t.Errorf("event %s: DTEND %v names %v, want %v", want.UID, ev.one(t, "DTEND"), got, want.End.UTC())
		}
		status := "CONFIRMED"
		if want.Cancelled {
			status = "CANCELLED"
		}
		if got := ev.one(t, "STATUS").value; got != status {
			t.Errorf("event %s: STATUS:%s, want %s", want.UID, got, status)
		}
		if got := ev.one(t, "SEQUENCE").value; got != strconv.Itoa(want.Sequence) {
			t.Errorf("event %s: SEQUENCE:%s, want %d", want.UID, got, want.Sequence)
		}
	}
	return cal
}

// parseWithLibrary reads the calendar with github.com/arran4/golang-ical,
// an iCalendar library that does not share our code, and checks what it
// reads back: names, times (through its own zone lookup), escaped text,
// status and sequence.
func parseWithLibrary(t *testing.T, raw string, c export.Calendar) {
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

// awkward is text that needs every TEXT escape, several octets per
// character, and folding.
const awkward = "Medicine session; bring: eye mask, music\\headphones.\nCompanion: Zoë Ødegård 🌿 — " +
	"arrive 15 minutes early, fasting from 06:00, and no driving until tomorrow."

func laSessions(t *testing.T) export.Calendar {
	la := mustZone(t, "America/Los_Angeles")
	updated := time.Date(2026, 2, 20, 18, 4, 5, 0, time.UTC)
	return export.Calendar{
		Name: "Stillwater Ketamine Therapy, sessions",
		Zone: la,
		Events: []export.Event{
			// Before the clocks go forward on 2026-03-08 (PST, -08:00)…
			{UID: "appt-1@doorway", Start: at(la, "2026-03-05 10:00"), End: at(la, "2026-03-05 12:30"),
				Summary: "Preparation session", Location: "Room 2, 14 Harbor Way", Updated: updated},
			// …and after (PDT, -07:00), with text that needs escaping and folding.
			{UID: "appt-2@doorway", Start: at(la, "2026-03-10 09:00"), End: at(la, "2026-03-10 13:00"),
				Summary: "Medicine session, Zoë", Description: awkward, Updated: updated, Sequence: 2},
			// Cancelled before the clocks go back on 2026-11-01…
			{UID: "appt-3@doorway", Start: at(la, "2026-10-29 10:00"), End: at(la, "2026-10-29 11:00"),
				Summary: "Integration session", Cancelled: true, Sequence: 1, Updated: updated.Add(time.Hour)},
			// …and one after (PST again).
			{UID: "appt-4@doorway", Start: at(la, "2026-11-03 10:00"), End: at(la, "2026-11-03 11:00"),
				Summary: "Integration session", Updated: updated},
		},
	}
}

// TestICalendarDaylightSaving: sessions either side of both of 2026's
// changes in America/Los_Angeles. The VTIMEZONE holds exactly the periods
// the events need, built from Go's zone data, and every time read through
// it names the instant meant; golang-ical reads the same calendar alike.
func TestICalendarDaylightSaving(t *testing.T) {
	c := laSessions(t)
	raw := mustICal(t, c)
	cal := checkRFC5545(t, raw, c)
	parseWithLibrary(t, raw, c)

	tzs := cal.sub("VTIMEZONE")
	if len(tzs) != 1 || tzs[0].one(t, "TZID").value != "America/Los_Angeles" {
		t.Fatalf("VTIMEZONEs: %+v", tzs)
	}
	var got []string
	for _, o := range tzs[0].subs {
		got = append(got, fmt.Sprintf("%s %s %s→%s %s", o.name, o.one(t, "DTSTART").value,
			o.one(t, "TZOFFSETFROM").value, o.one(t, "TZOFFSETTO").value, o.one(t, "TZNAME").value))
	}
	want := []string{
		"STANDARD 20251102T020000 -0700→-0800 PST", // in force at the first event
		"DAYLIGHT 20260308T020000 -0800→-0700 PDT",
		"STANDARD 20261101T020000 -0700→-0800 PST",
	}
	if !slices.Equal(got, want) {
		t.Errorf("observances\n got %q\nwant %q", got, want)
	}
	ev := cal.sub("VEVENT")
	for i, wantStart := range []string{"20260305T100000", "20260310T090000", "20261029T100000", "20261103T100000"} {
		p := ev[i].one(t, "DTSTART")
		if p.value != wantStart || p.params["TZID"] != "America/Los_Angeles" {
			t.Errorf("event %d: DTSTART;TZID=%s:%s, want the clinic's wall clock %s", i, p.params["TZID"], p.value, wantStart)
		}
	}
	// A feed has no METHOD; the cancelled session says so.
	if m := cal.all("METHOD"); len(m) != 0 {
		t.Errorf("a feed has METHOD %v", m)
	}
	if name := cal.one(t, "X-WR-CALNAME").value; name != `Stillwater Ketamine Therapy\, sessions` {
		t.Errorf("X-WR-CALNAME:%s", name)
	}
	if d := ev[1].one(t, "DESCRIPTION").value; d != `Medicine session\; bring: eye mask\, music\\headphones.\nCompanion: Zoë Ødegård 🌿 — arrive 15 minutes early\, fasting from 06:00\, and no driving until tomorrow.` {
		t.Errorf("escaped DESCRIPTION:%s", d)
	}
	if !strings.Contains(raw, "\r\n ") {
		t.Error("nothing was folded, though the description is long")
	}
}

// TestICalendarUTC: a clinic on UTC writes every time in UTC form, with no
// TZID and no VTIMEZONE; a zone without daylight saving gets one STANDARD
// observance.
func TestICalendarUTC(t *testing.T) {
	updated := time.Date(2026, 2, 20, 18, 4, 5, 0, time.UTC)
	c := export.Calendar{Name: "Harbor Psychiatry", Zone: time.UTC, Events: []export.Event{
		{UID: "u1@doorway", Start: time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 5, 11, 0, 0, 0, time.UTC), Summary: "Session", Updated: updated},
		{UID: "u2@doorway", Start: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 3, 11, 0, 0, 0, time.UTC), Summary: "Session", Updated: updated},
	}}
	raw := mustICal(t, c)
	cal := checkRFC5545(t, raw, c)
	parseWithLibrary(t, raw, c)
	if len(cal.sub("VTIMEZONE")) != 0 || strings.Contains(raw, "TZID") {
		t.Errorf("a UTC calendar has a time zone:\n%s", raw)
	}
	if v := cal.sub("VEVENT")[0].one(t, "DTSTART").value; v != "20260305T100000Z" {
		t.Errorf("DTSTART:%s", v)
	}
	// Nil is UTC too.
	c.Zone = nil
	if raw2 := mustICal(t, c); raw2 != raw {
		t.Errorf("a nil zone writes\n%s\nnot\n%s", raw2, raw)
	}

	// Phoenix keeps standard time all year.
	phx := mustZone(t, "America/Phoenix")
	c.Zone = phx
	c.Events[0].Start, c.Events[0].End = at(phx, "2026-03-09 10:00"), at(phx, "2026-03-09 11:00")
	c.Events[1].Start, c.Events[1].End = at(phx, "2026-11-02 10:00"), at(phx, "2026-11-02 11:00")
	raw = mustICal(t, c)
	cal = checkRFC5545(t, raw, c)
	parseWithLibrary(t, raw, c)
	obs := cal.sub("VTIMEZONE")[0].subs
	if len(obs) != 1 || obs[0].name != "STANDARD" || obs[0].one(t, "TZOFFSETTO").value != "-0700" {
		t.Errorf("Phoenix's observances: %+v", obs)
	}
}

// TestICalendarRepeatedHour: when the clocks go back, 01:30 happens twice.
// The first (PDT) is written as the clinic's wall clock; the second (PST)
// in UTC, because a reader takes a repeated local time as its first
// occurrence.
func TestICalendarRepeatedHour(t *testing.T) {
	la := mustZone(t, "America/Los_Angeles")
	first := time.Date(2026, 11, 1, 8, 30, 0, 0, time.UTC)  // 01:30 PDT
	second := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC) // 01:30 PST
	if a, b := first.In(la).Format("15:04 MST"), second.In(la).Format("15:04 MST"); a != "01:30 PDT" || b != "01:30 PST" {
		t.Fatalf("the test's instants are %s and %s", a, b)
	}
	updated := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	c := export.Calendar{Zone: la, Events: []export.Event{
		{UID: "first@doorway", Start: first, End: first.Add(30 * time.Minute), Summary: "First 01:30", Updated: updated},
		{UID: "second@doorway", Start: second, End: second.Add(30 * time.Minute), Summary: "Second 01:30", Updated: updated},
	}}
	raw := mustICal(t, c)
	cal := checkRFC5545(t, raw, c)
	parseWithLibrary(t, raw, c)
	ev := cal.sub("VEVENT")
	if p := ev[0].one(t, "DTSTART"); p.value != "20261101T013000" || p.params["TZID"] != "America/Los_Angeles" {
		t.Errorf("the first 01:30: %+v", p)
	}
	if p := ev[1].one(t, "DTSTART"); p.value != "20261101T093000Z" {
		t.Errorf("the second 01:30: %+v", p)
	}
}

// TestICalendarMethods: a booking e-mail's file is METHOD:PUBLISH with an
// organizer; a cancellation is METHOD:CANCEL with its attendees, the event
// cancelled and its sequence raised; the content type carries the method.
func TestICalendarMethods(t *testing.T) {
	la := mustZone(t, "America/Los_Angeles")
	clinic := export.Person{Name: `Stillwater "Ketamine" Therapy`, Email: "hello@stillwater.example"}
	booked := export.Event{UID: "appt-9@doorway", Start: at(la, "2026-06-23 09:00"), End: at(la, "2026-06-23 13:00"),
		Summary: "Medicine session", Updated: time.Date(2026, 6, 1, 16, 0, 0, 0, time.UTC)}

	c := export.Calendar{Zone: la, Method: export.MethodPublish, Organizer: clinic, Events: []export.Event{booked}}
	raw := mustICal(t, c)
	cal := checkRFC5545(t, raw, c)
	parseWithLibrary(t, raw, c)
	if got := cal.sub("VEVENT")[0].one(t, "ORGANIZER"); got.value != "mailto:hello@stillwater.example" || got.params["CN"] != "Stillwater 'Ketamine' Therapy" {
		t.Errorf("ORGANIZER %+v", got)
	}
	if len(cal.sub("VEVENT")[0].all("ATTENDEE")) != 0 {
		t.Error("PUBLISH lists attendees")
	}
	if ct := c.ContentType(); ct != "text/calendar; charset=utf-8; method=PUBLISH" {
		t.Errorf("ContentType %q", ct)
	}

	cancelled := booked
	cancelled.Cancelled, cancelled.Sequence, cancelled.Updated = true, 1, booked.Updated.Add(48*time.Hour)
	c = export.Calendar{Zone: la, Method: export.MethodCancel, Organizer: clinic,
		Attendees: []export.Person{{Name: "Zoë Ødegård", Email: "zoe@example.org"}}, Events: []export.Event{cancelled}}
	raw = mustICal(t, c)
	cal = checkRFC5545(t, raw, c)
	parseWithLibrary(t, raw, c)
	if got := cal.sub("VEVENT")[0].one(t, "ATTENDEE"); got.value != "mailto:zoe@example.org" || got.params["CN"] != "Zoë Ødegård" {
		t.Errorf("ATTENDEE %+v", got)
	}
	if ct := c.ContentType(); ct != "text/calendar; charset=utf-8; method=CANCEL" {
		t.Errorf("ContentType %q", ct)
	}
	if ct := (export.Calendar{}).ContentType(); ct != "text/calendar; charset=utf-8" {
		t.Errorf("a feed's ContentType %q", ct)
	}
}

// TestICalendarRefuses: what would mislead a calendar app is refused, and
// nothing is written.
func TestICalendarRefuses(t *testing.T) {
	la := mustZone(t, "America/Los_Angeles")
	ok := export.Event{UID: "a@doorway", Start: at(la, "2026-06-23 09:00"), End: at(la, "2026-06-23 10:00"), Summary: "S", Updated: time.Now()}
	bad := func(edit func(*export.Event)) export.Event { e := ok; edit(&e); return e }
	org := export.Person{Email: "hello@stillwater.example"}
	for name, c := range map[string]export.Calendar{
		"no UID":                   {Events: []export.Event{bad(func(e *export.Event) { e.UID = "" })}},
		"ends before it began":     {Events: []export.Event{bad(func(e *export.Event) { e.End = e.Start.Add(-time.Minute) })}},
		"no update time":           {Events: []export.Event{bad(func(e *export.Event) { e.Updated = time.Time{} })}},
		"negative sequence":        {Events: []export.Event{bad(func(e *export.Event) { e.Sequence = -1 })}},
		"two with one UID":         {Events: []export.Event{ok, ok}},
		"unknown method":           {Method: "REQUEST", Organizer: org, Events: []export.Event{ok}},
		"publish, no organizer":    {Method: export.MethodPublish, Events: []export.Event{ok}},
		"cancel, no attendees":     {Method: export.MethodCancel, Organizer: org, Events: []export.Event{bad(func(e *export.Event) { e.Cancelled = true })}},
		"cancel, not cancelled":    {Method: export.MethodCancel, Organizer: org, Attendees: []export.Person{org}, Events: []export.Event{ok}},
		"organizer not an address": {Method: export.MethodPublish, Organizer: export.Person{Email: "x\r\nATTENDEE:mailto:evil@example.org"}, Events: []export.Event{ok}},
	} {
		var b bytes.Buffer
		if err := export.ICalendar(&b, c); err == nil || b.Len() != 0 {
			t.Errorf("%s: err %v, wrote %d bytes", name, err, b.Len())
		}
	}
}
