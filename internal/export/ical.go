package export

import (
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is an iCalendar object (RFC 5545) of events: a feed a calendar
// app subscribes to, or the .ics file sent with a booking e-mail.
type Calendar struct {
	// Name is shown as the calendar's name (X-WR-CALNAME) by the apps that
	// read it; empty leaves it out.
	Name string
	// Zone is the clinic's time zone: times are written in it, with a
	// VTIMEZONE made from Go's zone data, so an app shows them at the
	// clinic's wall-clock time. Nil or UTC writes every time in UTC.
	Zone *time.Location
	// Method is empty for a feed, or the iTIP method (RFC 5546) of a
	// calendar sent by e-mail: MethodPublish for a booking or a change,
	// MethodCancel to take a cancelled session out of the recipient's
	// calendar. Both need Organizer; MethodCancel needs Attendees, and every
	// event cancelled.
	Method    string
	Organizer Person
	// Attendees are the people a MethodCancel is for; they are written
	// only then, so a feed never lists who else is booked.
	Attendees []Person
	Events    []Event
}

// Person is an organizer or attendee: a name and an e-mail address.
type Person struct {
	Name  string
	Email string
}

// Event is one session on the calendar.
type Event struct {
	// UID names the event for ever: an app replaces the event it holds
	// under this UID when the same UID comes again with a higher Sequence.
	UID         string
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	// Cancelled marks the event STATUS:CANCELLED.
	Cancelled bool
	// Sequence counts the event's revisions: 0 when booked, one more with
	// each change of time, place or status that people must see.
	Sequence int
	// Updated is when the event last changed (DTSTAMP and LAST-MODIFIED).
	Updated time.Time
}

// The iTIP methods a calendar sent by e-mail may carry.
const (
	MethodPublish = "PUBLISH"
	MethodCancel  = "CANCEL"
)

// ProdID names Doorway as the calendar's maker.
const ProdID = "-//Doorway//Doorway//EN"

// ContentType is the media type to send c with. RFC 5545 §3.7.2: a METHOD
// in the calendar and the method parameter go together.
func (c Calendar) ContentType() string {
	if c.Method != "" {
		return "text/calendar; charset=utf-8; method=" + c.Method
	}
	return "text/calendar; charset=utf-8"
}

// icalLayout is a DATE-TIME of RFC 5545 §3.3.5 without its zone.
const icalLayout = "20060102T150405"

// ICalendar writes c to w as RFC 5545 text: CRLF line ends, lines folded at
// 75 octets, TEXT values escaped. It checks c first and writes nothing if
// c is not a calendar it can write.
func ICalendar(w io.Writer, c Calendar) error {
	if err := c.check(); err != nil {
		return err
	}
	loc := c.Zone
	if loc == nil || loc.String() == "UTC" {
		loc = nil // every time in UTC, with no VTIMEZONE
	}
	var b icalWriter
	b.prop("BEGIN:VCALENDAR")
	b.prop("VERSION:2.0")
	b.prop("PRODID:" + ProdID)
	b.prop("CALSCALE:GREGORIAN")
	if c.Method != "" {
		b.prop("METHOD:" + c.Method)
	}
	if c.Name != "" {
		b.prop("X-WR-CALNAME:" + escapeText(c.Name))
	}
	if loc != nil && len(c.Events) > 0 {
		b.prop("X-WR-TIMEZONE:" + escapeText(loc.String()))
		first, last := c.Events[0].Start, c.Events[0].End
		for _, e := range c.Events {
			first, last = minTime(first, e.Start), maxTime(last, e.End)
		}
		writeVTimezone(&b, loc, first, last)
	}
	for _, e := range c.Events {
		b.prop("BEGIN:VEVENT")
		b.prop("UID:" + escapeText(e.UID))
		b.prop("DTSTAMP:" + utcForm(e.Updated))
		b.prop("DTSTART" + zonedForm(e.Start, loc))
		b.prop("DTEND" + zonedForm(e.End, loc))
		b.prop("SUMMARY:" + escapeText(e.Summary))
		if e.Description != "" {
			b.prop("DESCRIPTION:" + escapeText(e.Description))
		}
		if e.Location != "" {
			b.prop("LOCATION:" + escapeText(e.Location))
		}
		if e.Cancelled {
			b.prop("STATUS:CANCELLED")
		} else {
			b.prop("STATUS:CONFIRMED")
		}
		b.prop("SEQUENCE:" + strconv.Itoa(e.Sequence))
		b.prop("LAST-MODIFIED:" + utcForm(e.Updated))
		if c.Organizer.Email != "" {
			b.prop("ORGANIZER" + calAddress(c.Organizer))
		}
		if c.Method == MethodCancel {
			for _, p := range c.Attendees {
				b.prop("ATTENDEE" + calAddress(p))
			}
		}
		b.prop("END:VEVENT")
	}
	b.prop("END:VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}

// check refuses what would make a calendar apps misread.
func (c Calendar) check() error {
	switch c.Method {
	case "":
	case MethodPublish, MethodCancel:
		if c.Organizer.Email == "" {
			return errors.New("export: a calendar sent with a method needs an organizer (RFC 5546)")
		}
	default:
		return fmt.Errorf("export: calendar method %q is not one Doorway sends", c.Method)
	}
	if c.Method == MethodCancel && len(c.Attendees) == 0 {
		return errors.New("export: a cancellation needs the attendees it is for (RFC 5546 §3.2.5)")
	}
	for _, p := range append([]Person{c.Organizer}, c.Attendees...) {
		if p.Email == "" && p.Name == "" {
			continue
		}
		if _, err := netmail.ParseAddress(p.Email); err != nil || strings.ContainsAny(p.Email, "<>\" ") {
			return fmt.Errorf("export: %q is not an e-mail address", p.Email)
		}
	}
	seen := map[string]bool{}
	for i, e := range c.Events {
		switch {
		case e.UID == "":
			return fmt.Errorf("export: event %d has no UID", i+1)
		case seen[e.UID]:
			return fmt.Errorf("export: two events share the UID %q", e.UID)
		case e.Start.IsZero() || !e.End.After(e.Start):
			return fmt.Errorf("export: event %q must end after it starts", e.UID)
		case e.Updated.IsZero():
			return fmt.Errorf("export: event %q needs the time it was last updated", e.UID)
		case e.Sequence < 0:
			return fmt.Errorf("export: event %q has a negative sequence", e.UID)
		case c.Method == MethodCancel && !e.Cancelled:
			return fmt.Errorf("export: a cancellation may hold only cancelled events, not %q", e.UID)
		}
		seen[e.UID] = true
	}
	return nil
}

// icalWriter gathers content lines, each folded and ended with CRLF.
type icalWriter struct{ strings.Builder }

// prop writes one content line folded at 75 octets (RFC 5545 §3.1): a
// longer line goes on in lines that begin with a space, and a character of
// several octets is never split.
func (b *icalWriter) prop(line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut]) // #nosec G104 -- strings.Builder never returns an error
		b.WriteString("\r\n ")    // #nosec G104 -- strings.Builder never returns an error
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)   // #nosec G104 -- strings.Builder never returns an error
	b.WriteString("\r\n") // #nosec G104 -- strings.Builder never returns an error
}

// escapeText writes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon,
// comma and line breaks escaped; other control characters, which TEXT may
// not hold, dropped.
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// calAddress is ";CN=...:mailto:..." for an ORGANIZER or ATTENDEE. The
// name is always quoted; a quote, which a quoted parameter cannot hold,
// becomes an apostrophe.
func calAddress(p Person) string {
	s := ""
	if p.Name != "" {
		name := strings.Map(func(r rune) rune {
			switch {
			case r == '"':
				return '\''
			case r < 0x20 || r == 0x7f:
				return -1
			}
			return r
		}, p.Name)
		s = `;CN="` + name + `"`
	}
	return s + ":mailto:" + p.Email
}

func utcForm(t time.Time) string { return t.UTC().Format(icalLayout) + "Z" }

// zonedForm is a DATE-TIME property's parameters and value: the clinic's
// wall-clock time with its TZID, or the UTC form when there is no zone or
// the wall-clock time is not enough to name the instant. That is the hour
// the clocks repeat when they go back: RFC 5545 §3.3.5 reads a repeated
// local time as its first occurrence, so a session in the second must be
// written in UTC.
func zonedForm(t time.Time, loc *time.Location) string {
	if loc == nil {
		return ":" + utcForm(t)
	}
	lt := t.In(loc)
	if start, _ := lt.ZoneBounds(); !start.IsZero() {
		_, before := start.Add(-time.Second).In(loc).Zone()
		_, now := lt.Zone()
		if back := time.Duration(before-now) * time.Second; back > 0 && lt.Sub(start) < back {
			return ":" + utcForm(t)
		}
	}
	return ";TZID=" + tzidParam(loc.String()) + ":" + lt.Format(icalLayout)
}

// tzidParam quotes a zone name when it holds a character a bare parameter
// value may not.
func tzidParam(name string) string {
	if strings.ContainsAny(name, `:;,"`) {
		return `"` + strings.ReplaceAll(name, `"`, "'") + `"`
	}
	return name
}

// writeVTimezone describes loc from Go's zone data for the span from first
// to last: one observance for the period in force at first and one for
// each transition up to last, found with time.Time.ZoneBounds. Each
// observance is a single onset, written as RFC 5545 §3.6.5 wants it: the
// wall-clock time of the moment of change in the offset before it
// (TZOFFSETFROM), becoming TZOFFSETTO.
func writeVTimezone(b *icalWriter, loc *time.Location, first, last time.Time) {
	b.prop("BEGIN:VTIMEZONE")
	b.prop("TZID:" + escapeText(loc.String()))
	onset, next := first.In(loc).ZoneBounds()
	for {
		at := onset
		if at.IsZero() {
			// No transition before: the zone's first or only period, in
			// force since long before any session.
			at = first.AddDate(-1, 0, 0)
		}
		lt := at.In(loc)
		name, to := lt.Zone()
		from := to
		if !onset.IsZero() {
			_, from = onset.Add(-time.Second).In(loc).Zone()
		}
		kind := "STANDARD"
		if lt.IsDST() {
			kind = "DAYLIGHT"
		}
		b.prop("BEGIN:" + kind)
		if onset.IsZero() {
			b.prop("DTSTART:16010101T000000")
		} else {
			b.prop("DTSTART:" + onset.UTC().Add(time.Duration(from)*time.Second).Format(icalLayout))
		}
		b.prop("TZOFFSETFROM:" + utcOffset(from))
		b.prop("TZOFFSETTO:" + utcOffset(to))
		if name != "" {
			b.prop("TZNAME:" + escapeText(name))
		}
		b.prop("END:" + kind)
		if next.IsZero() || next.After(last) {
			break
		}
		onset, next = next.In(loc).ZoneBounds()
	}
	b.prop("END:VTIMEZONE")
}

// utcOffset writes seconds east of UTC as RFC 5545 §3.3.14's UTC-OFFSET:
// +HHMM, or +HHMMSS for the odd historical offset with seconds.
func utcOffset(secs int) string {
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	s := fmt.Sprintf("%s%02d%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		s += fmt.Sprintf("%02d", secs%60)
	}
	return s
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
