package export_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/export"
	"doorway/internal/export/icaltest"
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
	cal := icaltest.Check(t, raw, c)
	icaltest.ParseWithLibrary(t, raw, c)

	tzs := cal.Sub("VTIMEZONE")
	if len(tzs) != 1 || tzs[0].One(t, "TZID").Value != "America/Los_Angeles" {
		t.Fatalf("VTIMEZONEs: %+v", tzs)
	}
	var got []string
	for _, o := range tzs[0].Subs {
		got = append(got, fmt.Sprintf("%s %s %s→%s %s", o.Name, o.One(t, "DTSTART").Value,
			o.One(t, "TZOFFSETFROM").Value, o.One(t, "TZOFFSETTO").Value, o.One(t, "TZNAME").Value))
	}
	want := []string{
		"STANDARD 20251102T020000 -0700→-0800 PST", // in force at the first event
		"DAYLIGHT 20260308T020000 -0800→-0700 PDT",
		"STANDARD 20261101T020000 -0700→-0800 PST",
	}
	if !slices.Equal(got, want) {
		t.Errorf("observances\n got %q\nwant %q", got, want)
	}
	ev := cal.Sub("VEVENT")
	for i, wantStart := range []string{"20260305T100000", "20260310T090000", "20261029T100000", "20261103T100000"} {
		p := ev[i].One(t, "DTSTART")
		if p.Value != wantStart || p.Params["TZID"] != "America/Los_Angeles" {
			t.Errorf("event %d: DTSTART;TZID=%s:%s, want the clinic's wall clock %s", i, p.Params["TZID"], p.Value, wantStart)
		}
	}
	// A feed has no METHOD; the cancelled session says so.
	if m := cal.All("METHOD"); len(m) != 0 {
		t.Errorf("a feed has METHOD %v", m)
	}
	if name := cal.One(t, "X-WR-CALNAME").Value; name != `Stillwater Ketamine Therapy\, sessions` {
		t.Errorf("X-WR-CALNAME:%s", name)
	}
	if d := ev[1].One(t, "DESCRIPTION").Value; d != `Medicine session\; bring: eye mask\, music\\headphones.\nCompanion: Zoë Ødegård 🌿 — arrive 15 minutes early\, fasting from 06:00\, and no driving until tomorrow.` {
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
	cal := icaltest.Check(t, raw, c)
	icaltest.ParseWithLibrary(t, raw, c)
	if len(cal.Sub("VTIMEZONE")) != 0 || strings.Contains(raw, "TZID") {
		t.Errorf("a UTC calendar has a time zone:\n%s", raw)
	}
	if v := cal.Sub("VEVENT")[0].One(t, "DTSTART").Value; v != "20260305T100000Z" {
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
	cal = icaltest.Check(t, raw, c)
	icaltest.ParseWithLibrary(t, raw, c)
	obs := cal.Sub("VTIMEZONE")[0].Subs
	if len(obs) != 1 || obs[0].Name != "STANDARD" || obs[0].One(t, "TZOFFSETTO").Value != "-0700" {
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
	cal := icaltest.Check(t, raw, c)
	icaltest.ParseWithLibrary(t, raw, c)
	ev := cal.Sub("VEVENT")
	if p := ev[0].One(t, "DTSTART"); p.Value != "20261101T013000" || p.Params["TZID"] != "America/Los_Angeles" {
		t.Errorf("the first 01:30: %+v", p)
	}
	if p := ev[1].One(t, "DTSTART"); p.Value != "20261101T093000Z" {
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
	cal := icaltest.Check(t, raw, c)
	icaltest.ParseWithLibrary(t, raw, c)
	if got := cal.Sub("VEVENT")[0].One(t, "ORGANIZER"); got.Value != "mailto:hello@stillwater.example" || got.Params["CN"] != "Stillwater 'Ketamine' Therapy" {
		t.Errorf("ORGANIZER %+v", got)
	}
	if len(cal.Sub("VEVENT")[0].All("ATTENDEE")) != 0 {
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
	cal = icaltest.Check(t, raw, c)
	icaltest.ParseWithLibrary(t, raw, c)
	if got := cal.Sub("VEVENT")[0].One(t, "ATTENDEE"); got.Value != "mailto:zoe@example.org" || got.Params["CN"] != "Zoë Ødegård" {
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
