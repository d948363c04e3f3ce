package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// orderForm is a valid dosing order as the form posts it.
func validOrderForm() url.Values {
	return url.Values{"route": {"rdt"}, "mg": {"200"}, "max_mg": {"300"}, "notes": {"Review after two sessions."}}
}

func (f *fixture) dosingHistory() []store.DosingOrder {
	f.t.Helper()
	ctx := context.Background()
	var out []store.DosingOrder
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.DosingOrderHistory(ctx, f.clinic.ID, f.measures.courseID)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestDosingOrderOnlyPrescriberOnTeamWrites(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	path := "/clients/" + f.clients["A"].ID + "/dosing-order"
	for _, p := range []string{"clientA", "assigned", "unassigned", "admin", "foreignAdmin"} {
		if rec := f.do(p, "POST", path, validOrderForm()); rec.Code != http.StatusNotFound {
			t.Errorf("%s wrote an order: %d", p, rec.Code)
		}
	}
	if n := len(f.dosingHistory()); n != 0 {
		t.Fatalf("%d orders stored by people who may not write them", n)
	}
	rec := f.do("prescriber", "POST", path, validOrderForm())
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path+"?saved=1" {
		t.Fatalf("prescriber: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	change := validOrderForm()
	change.Set("mg", "300")
	if rec := f.do("prescriber", "POST", path, change); rec.Code != http.StatusSeeOther {
		t.Fatalf("change: %d", rec.Code)
	}
	hist := f.dosingHistory()
	if len(hist) != 2 || hist[0].Version != 2 || hist[1].SupersededAt == nil {
		t.Fatalf("history = %+v", hist)
	}
	// The care team reads it, with what changed; others get nothing.
	rec = f.do("assigned", "GET", path, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "300 mg, Rapid-dissolving tablet (RDT), at most 300 mg per session") ||
		!strings.Contains(body, "Dose: 200 mg → 300 mg") || strings.Contains(body, `action="/clients/`+f.clients["A"].ID+`/dosing-order"`) {
		t.Errorf("assigned therapist's view: %d, wrong content or a form they may not use", rec.Code)
	}
	if rec := f.do("unassigned", "GET", path, nil); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
		t.Errorf("unassigned therapist: %d", rec.Code)
	}
}

func TestDosingOrderBadInputChangesNothing(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	path := "/clients/" + f.clients["A"].ID + "/dosing-order"
	cases := []struct {
		name  string
		edit  func(v url.Values)
		field string
		msg   string
	}{
		{"both doses", func(v url.Values) { v.Set("mg_per_kg", "0.5") }, "dose", "not both"},
		{"no dose", func(v url.Values) { v.Del("mg") }, "dose", "Give a dose in mg or in mg/kg."},
		{"max below dose", func(v url.Values) { v.Set("max_mg", "150") }, "max_mg", "The maximum (150 mg) is below the dose (200 mg)."},
		{"not a number", func(v url.Values) { v.Set("mg", "2OO") }, "mg", "is not a number"},
		{"half a tablet", func(v url.Values) { v.Set("mg", "225") }, "mg", "225 mg is not a whole number of 50 mg tablets."},
		{"no route", func(v url.Values) { v.Del("route") }, "route", "Choose a route."},
		{"IV without minutes", func(v url.Values) {
			v.Set("route", "iv")
			v.Del("mg")
			v.Set("mg_per_kg", "0.5")
			v.Set("max_mg", "60")
		},
			"over_minutes", "Give how long the infusion runs"},
		{"minutes on a tablet", func(v url.Values) { v.Set("over_minutes", "40") }, "over_minutes", "Only an IV infusion has a duration."},
	}
	for _, c := range cases {
		form := validOrderForm()
		c.edit(form)
		rec := f.do("prescriber", "POST", path, form)
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", c.name, rec.Code)
			continue
		}
		if !strings.Contains(body, `id="`+c.field+`-error"`) || !strings.Contains(body, htmlEscape(c.msg)) {
			t.Errorf("%s: no message %q on field %s", c.name, c.msg, c.field)
		}
		// What was typed is kept.
		if !strings.Contains(body, "Review after two sessions.") {
			t.Errorf("%s: the notes typed were lost", c.name)
		}
	}
	if n := len(f.dosingHistory()); n != 0 {
		t.Errorf("%d orders stored from bad input", n)
	}
}

// htmlEscape is how templ writes the characters our messages use.
func htmlEscape(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func bookingForm(f *fixture, client string, start string) url.Values {
	return url.Values{"client": {f.clients[client].ID}, "kind": {"medicine"}, "date": {f.schedule.startA.In(f.clinic.Location()).Format("2006-01-02")},
		"time": {start}, "room": {f.schedule.roomID}, "staff": {f.users["prescriber"].ID}, "notes": {"Bring a blanket."}}
}

func (f *fixture) appointmentsOn() []store.Appointment {
	f.t.Helper()
	ctx := context.Background()
	var out []store.Appointment
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Appointments(ctx, store.AppointmentFilter{ClinicID: f.clinic.ID, From: f.schedule.startA.Add(-12 * time.Hour),
			To: f.schedule.startA.Add(12 * time.Hour), IncludeCancelled: true})
		return err
	})
	return out
}

func TestBookingClashIsNamedAndCancelFreesIt(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	// Client A is on the assigned therapist's team; the room is taken 10:00–13:00.
	rec := f.do("assigned", "POST", "/schedule", bookingForm(f, "A", "12:00"))
	body := rec.Body.String()
	if rec.Code != http.StatusConflict || !strings.Contains(body, "Cedar Room is booked 10:00–13:00 for another session.") {
		t.Fatalf("clash: %d", rec.Code)
	}
	if !strings.Contains(body, "Bring a blanket.") || !strings.Contains(body, `value="12:00"`) {
		t.Error("the form lost what was typed")
	}
	if n := len(f.appointmentsOn()); n != 1 {
		t.Fatalf("%d appointments after a refused booking, want 1", n)
	}
	// Booking a client outside one's care teams is refused as if absent.
	if rec := f.do("assigned", "POST", "/schedule", bookingForm(f, "B", "14:00")); rec.Code != http.StatusNotFound {
		t.Errorf("booking someone else's client: %d", rec.Code)
	}
	// Cancelling the session frees the room.
	cancel := "/schedule/" + f.schedule.apptA + "/cancel"
	if rec := f.do("assigned", "POST", cancel, url.Values{"reason": {""}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "Say briefly why") {
		t.Errorf("cancel without a reason: %d", rec.Code)
	}
	if rec := f.do("unassigned", "POST", cancel, url.Values{"reason": {"x"}}); rec.Code != http.StatusNotFound {
		t.Errorf("unassigned therapist cancelled: %d", rec.Code)
	}
	if rec := f.do("assigned", "POST", cancel, url.Values{"reason": {"Client unwell"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	rec = f.do("assigned", "POST", "/schedule", bookingForm(f, "A", "12:00"))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/schedule/") {
		t.Fatalf("booking after the cancel: %d %s", rec.Code, rec.Body.String()[:200])
	}
	page := f.do("assigned", "GET", rec.Header().Get("Location"), nil)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "The session is booked.") || !strings.Contains(page.Body.String(), "Staff prescriber") {
		t.Errorf("the booked session's page: %d", page.Code)
	}
}

func TestCalendarHidesClientsTheViewerMayNotSee(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	week := f.schedule.startA.In(f.clinic.Location()).Format("2006-01-02")
	path := "/schedule?" + url.Values{"of": {"room:" + f.schedule.roomID}, "week": {week}}.Encode()
	rec := f.do("unassigned", "GET", path, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(body, marker) || strings.Contains(body, "/schedule/"+f.schedule.apptA) ||
		!strings.Contains(body, "Booked") || !strings.Contains(body, "10:00–13:00") {
		t.Errorf("unassigned therapist's room calendar: %d, client A shown or the slot missing", rec.Code)
	}
	if !strings.Contains(body, "Blake Other") {
		t.Error("the unassigned therapist does not see their own client B")
	}
	rec = f.do("assigned", "GET", path, nil)
	if !strings.Contains(rec.Body.String(), marker) || !strings.Contains(rec.Body.String(), "/schedule/"+f.schedule.apptA) {
		t.Error("the assigned therapist does not see client A on the calendar")
	}
	if rec := f.do("unassigned", "GET", "/schedule/"+f.schedule.apptA, nil); rec.Code != http.StatusNotFound {
		t.Errorf("unassigned opened A's session: %d", rec.Code)
	}
	if rec := f.do("unassigned", "GET", "/schedule?of=client:"+f.clients["A"].ID, nil); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
		t.Errorf("unassigned opened client A's sessions: %d", rec.Code)
	}
	if rec := f.do("assigned", "GET", "/schedule?of=client:"+f.clients["A"].ID+"&week="+week, nil); !strings.Contains(rec.Body.String(), "/schedule/"+f.schedule.apptA) {
		t.Errorf("assigned does not see client A's sessions: %d", rec.Code)
	}
	if rec := f.do("assigned", "GET", "/schedule?of=staff:nobody", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown calendar: %d", rec.Code)
	}
}

func TestClientSeesOnlyTheirOwnSessions(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("clientA", "GET", "/portal", nil)
	body := rec.Body.String()
	if !strings.Contains(body, "Your upcoming sessions") || !strings.Contains(body, "/portal/sessions/"+f.schedule.apptA) ||
		strings.Contains(body, f.schedule.apptB) {
		t.Errorf("client A's portal does not list exactly their own session")
	}
	if rec := f.do("clientA", "GET", "/portal/sessions/"+f.schedule.apptB, nil); rec.Code != http.StatusNotFound {
		t.Errorf("client A opened B's session: %d", rec.Code)
	}
	rec = f.do("clientA", "GET", "/portal/sessions/"+f.schedule.apptA, nil)
	body = rec.Body.String()
	// The session starts at 10:00; the default fast is 4 hours, so food
	// stops at 06:00 that day, and alcohol at 10:00 the day before.
	loc := f.clinic.Location()
	day := f.schedule.startA.In(loc)
	for _, want := range []string{"Your medicine session", "Cedar Room", "Staff assigned", "Bring warm socks.",
		"Stop eating at 06:00 on " + timefmt.New(loc, "").Date(day), "4 hours before",
		"No alcohol or other drugs from 10:00 on " + timefmt.New(loc, "").Date(day.AddDate(0, 0, -1)), "Do not drive"} {
		if !strings.Contains(body, want) {
			t.Errorf("client's session page lacks %q", want)
		}
	}
}

// TestCalendarWeekAcrossAMidnightClockChange: in Havana the clocks go
// forward at midnight, so Sunday 8 March 2026 has no 00:00. The week of
// 2 March still runs Monday to Sunday: the Sunday has its own heading and
// its session, where a week counted in 24-hour steps from Monday midnight
// showed Saturday 7 March twice and lost the Sunday.
func TestCalendarWeekAcrossAMidnightClockChange(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	havana, err := time.LoadLocation("America/Havana")
	if err != nil {
		t.Skip("no America/Havana in this system's zone database")
	}
	clinic := f.clinic
	clinic.TimeZone = "America/Havana"
	sunday := time.Date(2026, 3, 8, 10, 0, 0, 0, havana).UTC()
	appt := store.Appointment{ID: auth.NewID(), ClinicID: clinic.ID, Kind: store.KindIntegration, StartsAt: sunday, EndsAt: sunday.Add(time.Hour),
		CreatedBy: f.users["assigned"].ID, CreatedAt: f.now, Clients: []store.AppointmentClient{{ClientID: f.clients["A"].ID}},
		Staff: []string{f.users["assigned"].ID}}
	if err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateClinic(ctx, &clinic); err != nil {
			return err
		}
		return tx.BookAppointment(ctx, &appt)
	}); err != nil {
		t.Fatal(err)
	}
	rec := f.do("assigned", "GET", "/schedule?of=all&week=2026-03-04", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("the week: %d", rec.Code)
	}
	if n := strings.Count(body, "Sat 7 Mar"); n != 1 {
		t.Errorf("Saturday 7 March is headed %d times", n)
	}
	sun := strings.Index(body, `id="day-2026-03-08"`)
	if sun < 0 || !strings.Contains(body[sun:], "Sun 8 Mar") || !strings.Contains(body[sun:], "/schedule/"+appt.ID) {
		t.Errorf("the Sunday, or its 10:00 session, is missing from the week")
	}
	if !strings.Contains(body, "2 Mar – Sun 8 Mar 2026") {
		t.Errorf("the week's range is not Monday 2 to Sunday 8 March")
	}
}
