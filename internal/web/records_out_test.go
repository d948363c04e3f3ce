package web

import (
	"context"
	"database/sql"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/export"
	"doorway/internal/export/icaltest"
	"doorway/internal/jobs"
	"doorway/internal/mail"
	"doorway/internal/mail/mailtest"
	"doorway/internal/practice"
	"doorway/internal/store"
)

// The client's own journal and a therapist's psychotherapy note, planted
// beside client A's record for the export tests.
const (
	privateEntry = "Private-Journal-4411"
	sharedEntry  = "Shared-Journal-8123"
	noteOnA      = "Psychotherapy-Note-Marker-5530"
)

// plantForExport writes a private and a shared journal entry for client A,
// and a psychotherapy note about them straight into its table (no code of
// Doorway's writes one yet; nothing may ever read it into an export).
func (f *fixture) plantForExport(dir string) {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, body := range []string{privateEntry, sharedEntry} {
			e := store.JournalEntry{ClinicID: a.ClinicID, ClientID: a.ID, Body: body, CreatedAt: f.now, UpdatedAt: f.now}
			if err := tx.SaveJournalEntry(ctx, &e); err != nil {
				return err
			}
			if body == sharedEntry {
				if err := tx.ShareJournalEntry(ctx, a.ClinicID, a.ID, e.ID, &f.now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.SQLiteFile))
	if err != nil {
		f.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO psychotherapy_notes (id, clinic_id, client_id, author_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		auth.NewID(), a.ClinicID, a.ID, f.users["assigned"].ID, noteOnA, f.now, f.now); err != nil {
		f.t.Fatal(err)
	}
}

var pageOf = regexp.MustCompile(`page (\d+) of (\d+)`)

// TestRecordPDF: client A's own PDF has a contents page naming each part
// with the page it starts on, "page n of N" on every page, their details,
// sessions, questionnaires, preparation note and every journal entry; the
// assigned therapist's copy for them has only the shared entry; an admin
// off the care team, no entry; none holds the psychotherapy note.
func TestRecordPDF(t *testing.T) {
	cfg := sqliteConfig(t)
	f := newFixture(t, cfg)
	f.plantForExport(cfg.DataDir)
	a := f.clients["A"]
	get := func(who, path string) string {
		t.Helper()
		rec := f.do(who, http.MethodGet, path, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
			rec.Header().Get("Content-Disposition") != `attachment; filename="health-record.pdf"` {
			t.Fatalf("%s %s: %d %v", who, path, rec.Code, rec.Header())
		}
		if out := os.Getenv("DOORWAY_PDF_OUT"); out != "" && who == "clientA" {
			// Kept for a person to look at.
			if err := os.WriteFile(out, rec.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return pdfText(t, rec.Body.Bytes())
	}
	own := get("clientA", "/portal/record.pdf")
	for _, want := range []string{"Health record", "Avery " + marker, "Contents", "1. About you", "2. Your courses and goals",
		"3. Consents and dosing orders", "4. Your sessions", "5. Your questionnaires", "6. Notes of your preparation sessions", "7. Your journal",
		"Medicine session", "Patient Health Questionnaire", "Explored fears about losing control", privateEntry, sharedEntry,
		"(shared with your care team)", "Not included: a therapist's private psychotherapy notes"} {
		if !strings.Contains(own, want) {
			t.Errorf("the client's own PDF lacks %q", want)
		}
	}
	pages := pageOf.FindAllStringSubmatch(own, -1)
	total, _ := strconv.Atoi(pages[0][2])
	if len(pages) != total || total < 8 {
		t.Errorf("%d page numbers for %d pages, want one per page, at least 8 (a page per part and the contents)", len(pages), total)
	}
	for i, m := range pages {
		if m[1] != strconv.Itoa(i+1) || m[2] != strconv.Itoa(total) {
			t.Errorf("page %d is numbered %q", i+1, m[0])
		}
	}
	// The contents say page 2 for the first part and a later page for each next.
	contents := own[strings.Index(own, "Contents"):strings.Index(own, "page 1 of")]
	if !regexp.MustCompile(`1\. About you 2 2\. Your courses and goals 3 `).MatchString(contents) {
		t.Errorf("the contents: %q", contents)
	}
	team := get("assigned", "/clients/"+a.ID+"/record.pdf")
	if !strings.Contains(team, sharedEntry) || strings.Contains(team, privateEntry) || !strings.Contains(team, "only the entries you shared") {
		t.Errorf("the care team's copy: shared entry %v, private entry %v", strings.Contains(team, sharedEntry), strings.Contains(team, privateEntry))
	}
	admin := get("admin", "/clients/"+a.ID+"/record.pdf")
	if strings.Contains(admin, sharedEntry) || strings.Contains(admin, privateEntry) {
		t.Error("an admin off the care team gets journal entries")
	}
	for who, text := range map[string]string{"client": own, "therapist": team, "admin": admin} {
		if strings.Contains(text, noteOnA) {
			t.Errorf("the %s's copy holds the psychotherapy note", who)
		}
	}
	t.Logf("client A's record PDF: %d pages", total)
}

// TestRecordExportScope: a client's portal downloads are always their own,
// whatever the URL says; staff reach only a client in their scope; each
// download is on the client's list of who looked at their record, their
// own too.
func TestRecordExportScope(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := f.clients["A"]
	for _, path := range []string{"/portal/record.pdf?client=" + a.ID, "/portal/record.json?id=" + a.ID} {
		rec := f.do("clientB", http.MethodGet, path, nil)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), marker) || strings.Contains(rec.Body.String(), a.ID) {
			t.Errorf("client B at %s: %d, with A's record %v", path, rec.Code, strings.Contains(rec.Body.String(), a.ID))
		}
	}
	for _, who := range []string{"unassigned", "foreignAdmin", "clientB"} {
		for _, ext := range []string{"pdf", "json"} {
			rec := f.do(who, http.MethodGet, "/clients/"+a.ID+"/record."+ext, nil)
			if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
				t.Errorf("%s: record.%s answered %d", who, ext, rec.Code)
			}
		}
	}
	if rec := f.do("clientA", http.MethodGet, "/portal/record.json", nil); rec.Code != http.StatusOK ||
		rec.Header().Get("Content-Type") != "application/fhir+json" || !strings.Contains(rec.Body.String(), `"type":"collection"`) {
		t.Fatalf("client A's FHIR download: %d %v", rec.Code, rec.Header())
	}
	f.do("assigned", http.MethodGet, "/clients/"+a.ID+"/record.pdf", nil)
	page := f.do("clientA", http.MethodGet, "/portal/access", nil).Body.String()
	for _, want := range []string{"<td>You</td><td>Downloaded a copy of your whole record (FHIR Bundle)</td>",
		"<td>Staff assigned</td><td>Downloaded a copy of your whole record (PDF)</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the access log lacks %q", want)
		}
	}
}

var feedPattern = regexp.MustCompile(`http://example\.com/calendar/([A-Za-z0-9_-]{43})\.ics`)

// feedToken makes the principal's calendar address on the page the
// portal or account page offers it, and reads the token back from it.
func (f *fixture) feedToken(who, back string) string {
	f.t.Helper()
	rec := f.do(who, http.MethodPost, "/account/calendar", url.Values{"back": {back}})
	if rec.Code != http.StatusSeeOther {
		f.t.Fatalf("%s: new calendar address: %d", who, rec.Code)
	}
	loc, _, _ := strings.Cut(rec.Header().Get("Location"), "#")
	page := f.do(who, http.MethodGet, loc, nil).Body.String()
	m := feedPattern.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "Any address you had before no longer works") {
		f.t.Fatalf("%s: no calendar address on %s", who, loc)
	}
	return m[1]
}

// feed reads a calendar by its address, as a calendar app would, signed in
// as no one.
func (f *fixture) calendarFeed(token string) (int, http.Header, string) {
	rec := f.do("anonymous", http.MethodGet, "/calendar/"+token+".ics", nil)
	return rec.Code, rec.Header(), rec.Body.String()
}

// TestCalendarFeed: client A's feed, read with no sign-in, is their
// session as RFC 5545 and golang-ical read it, in the clinic's zone, as
// "Appointment at Main Clinic" in the Cedar Room, never "medicine"; not
// cached; read again within a minute, 429. Once the session is cancelled
// the same UID comes back cancelled, at SEQUENCE 1. A new address ends the
// old. Client B's feed has none of A's; the therapist's names the kind of
// session and the room, never the client.
func TestCalendarFeed(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	token := f.feedToken("clientA", "/portal/notifications")
	code, h, body := f.calendarFeed(token)
	if code != http.StatusOK || h.Get("Content-Type") != "text/calendar; charset=utf-8" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("the feed: %d %v", code, h)
	}
	want := export.Calendar{Name: "Main Clinic", Zone: f.clinic.Location(), Events: []export.Event{{
		UID: "appointment-" + f.schedule.apptA + "@doorway", Start: f.schedule.startA, End: f.schedule.startA.Add(3 * time.Hour),
		Summary: "Appointment at Main Clinic", Location: "Cedar Room", Updated: f.now,
		Description: "Details and how to get ready: http://example.com/portal/sessions/" + f.schedule.apptA}}}
	icaltest.Check(t, body, want)
	icaltest.ParseWithLibrary(t, body, want)
	if strings.Contains(strings.ToLower(body), "medicine") || strings.Contains(body, marker) {
		t.Errorf("the client's feed tells the kind of session or their name:\n%s", body)
	}
	if code, h, _ := f.calendarFeed(token); code != http.StatusTooManyRequests || h.Get("Retry-After") != "60" {
		t.Errorf("read again at once: %d %v", code, h)
	}
	f.now = f.now.Add(2 * time.Minute)
	if rec := f.do("assigned", http.MethodPost, "/schedule/"+f.schedule.apptA+"/cancel", url.Values{"reason": {"The room is closed."}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	_, _, body = f.calendarFeed(token)
	want.Events[0].Cancelled, want.Events[0].Sequence, want.Events[0].Updated = true, 1, f.now
	icaltest.Check(t, body, want)
	icaltest.ParseWithLibrary(t, body, want)

	f.now = f.now.Add(2 * time.Minute)
	fresh := f.feedToken("clientA", "/account")
	if code, _, _ := f.calendarFeed(token); code != http.StatusNotFound {
		t.Errorf("the replaced address answers %d", code)
	}
	if code, _, _ := f.calendarFeed(fresh); code != http.StatusOK {
		t.Errorf("the new address answers %d", code)
	}
	if code, _, b := f.calendarFeed(f.feedToken("clientB", "/portal/notifications")); code != http.StatusOK || strings.Contains(b, f.schedule.apptA) ||
		!strings.Contains(b, f.schedule.apptB) {
		t.Errorf("client B's feed: %d, with A's session %v", code, strings.Contains(b, f.schedule.apptA))
	}
	_, _, staff := f.calendarFeed(f.feedToken("assigned", "/account"))
	if !strings.Contains(staff, "SUMMARY:Medicine session\\, Cedar Room") || strings.Contains(staff, marker) || strings.Contains(staff, "Avery") {
		t.Errorf("the therapist's feed:\n%s", staff)
	}
	if code, _, _ := f.calendarFeed(strings.Repeat("x", 43)); code != http.StatusNotFound {
		t.Errorf("a made-up address answers %d", code)
	}
}

// TestNotificationChoicesForm: the portal's form shows a client's defaults
// (every e-mail on, no details), saves what is ticked, and says so; the
// account page offers staff the same form without the client's choices.
func TestNotificationChoicesForm(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	page := f.do("clientA", http.MethodGet, "/portal/notifications", nil).Body.String()
	for _, want := range []string{`id="n-reminders" name="reminders" value="1" checked`, `id="n-measures" name="measures" value="1" checked`,
		`id="n-brief" name="details" value="0" checked`, "Your clinic has not set up e-mail yet"} {
		if !strings.Contains(page, want) {
			t.Errorf("the portal's form lacks %q", want)
		}
	}
	rec := f.do("clientA", http.MethodPost, "/account/notifications", url.Values{"back": {"/portal/notifications"}, "reminders": {"1"}, "details": {"1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/notifications?saved=notifications" {
		t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	page = f.do("clientA", http.MethodGet, "/portal/notifications?saved=notifications", nil).Body.String()
	if !strings.Contains(page, "Your choices are saved.") || !strings.Contains(page, `name="reminders" value="1" checked`) ||
		strings.Contains(page, `name="measures" value="1" checked`) || !strings.Contains(page, `id="n-details" name="details" value="1" checked`) {
		t.Errorf("after saving, the form does not show the choices")
	}
	staff := f.do("assigned", http.MethodGet, "/account", nil).Body.String()
	if !strings.Contains(staff, `id="n-reminders"`) || strings.Contains(staff, `id="n-measures"`) || strings.Contains(staff, `name="reminders" value="1" checked`) {
		t.Errorf("the staff's account page: the form with staff's defaults and no client choices")
	}
	if entries := f.auditActions("notifications.update"); len(entries) != 1 || entries[0].Detail != "reminders details" {
		t.Errorf("the change is recorded as %+v", entries)
	}
}

// TestOutboxPage: without SMTP, the admin's outbox says so, lists what is
// waiting to go and what was recorded with its words, and a failed job
// with its error and a way to try it again; trying a job of another clinic
// again is refused as absent.
func TestOutboxPage(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	runner := jobs.New(jobs.Config{Store: f.st, Now: func() time.Time { return f.now }})
	f.srv.app.RegisterJobs(runner)
	loc := f.clinic.Location()
	day := f.now.In(loc).AddDate(0, 0, 4)
	rec := f.do("assigned", http.MethodPost, "/schedule", url.Values{"client": {f.clients["A"].ID}, "kind": {"preparation"},
		"date": {day.Format("2006-01-02")}, "time": {"11:00"}, "staff": {f.users["assigned"].ID}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("book: %d %s", rec.Code, rec.Body)
	}
	if _, err := runner.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	failed := store.Job{ClinicID: f.clinic.ID, Kind: "mail.booking", Key: "failed-one", Payload: `{"user":"` + f.users["clientA"].ID + `"}`,
		RunAt: f.now, CreatedAt: f.now, MaxAttempts: 1}
	other := store.Job{ClinicID: f.users["foreignAdmin"].ClinicID, Kind: "mail.booking", Key: "failed-elsewhere", RunAt: f.now, CreatedAt: f.now, MaxAttempts: 1}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, j := range []*store.Job{&failed, &other} {
			if _, err := tx.EnqueueJob(ctx, j); err != nil {
				return err
			}
			claim, _, err := tx.ClaimJob(ctx, []string{"mail.booking"}, "test", f.now, f.now.Add(time.Minute))
			if err != nil {
				return err
			}
			if err := tx.FailJob(ctx, claim, "smtp rcpt: 550 mailbox unavailable", f.now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page := f.do("admin", http.MethodGet, "/admin/outbox", nil).Body.String()
	for _, want := range []string{"No SMTP server is set up", "Session reminder", "Session booked, with calendar file",
		"Booked: " + day.Format("Monday 2 January") + " at 11:00", "Attached: session.ics", "550 mailbox unavailable",
		"/admin/outbox/" + failed.ID + "/retry", "to Avery " + marker} {
		if !strings.Contains(page, want) {
			t.Errorf("the outbox page lacks %q", want)
		}
	}
	if rec := f.do("admin", http.MethodPost, "/admin/outbox/"+other.ID+"/retry", url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("another clinic's job: %d", rec.Code)
	}
	if rec := f.do("admin", http.MethodPost, "/admin/outbox/"+failed.ID+"/retry", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("try again: %d", rec.Code)
	}
	var j store.Job
	f.st.Read(ctx, func(tx *store.Tx) (err error) { j, err = tx.JobByKey(ctx, "failed-one"); return err })
	if j.FailedAt != nil || j.Attempts != 0 {
		t.Errorf("the job tried again: %+v", j)
	}
}

// TestSeriesPages: the public form takes an address and says the same
// whatever it was; the links open a page with a button, and unsubscribing
// answers a mail reader's one-click POST (RFC 8058), which carries no
// cookie and no origin.
func TestSeriesPages(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	// The e-mails go through a real SMTP server, since the outbox keeps no
	// link's token.
	smtp := mailtest.Start(t)
	sender, err := mail.Parse(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	runner := jobs.New(jobs.Config{Store: f.st, Now: func() time.Time { return f.now }})
	practice.New(practice.Config{Store: f.st, Mailer: sender, Now: func() time.Time { return f.now }}).RegisterJobs(runner)
	if page := f.do("anonymous", http.MethodGet, "/series", nil).Body.String(); !strings.Contains(page, `name="email"`) {
		t.Fatal("no form on /series")
	}
	for range 2 {
		rec := f.do("anonymous", http.MethodPost, "/series", url.Values{"email": {"reader@example.org"}})
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Check your inbox") {
			t.Fatalf("sign up: %d", rec.Code)
		}
	}
	runner.RunDue(ctx)
	// The text goes quoted-printable, whose soft line breaks may cut the link.
	decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(smtp.Messages()[0].Raw)))
	if err != nil {
		t.Fatal(err)
	}
	confirm := regexp.MustCompile(`/series/confirm/[A-Za-z0-9.]+`).FindString(string(decoded))
	if page := f.do("anonymous", http.MethodGet, confirm, nil).Body.String(); !strings.Contains(page, `<form method="post" action="`+confirm+`">`) {
		t.Fatalf("the confirmation page has no button")
	}
	if rec := f.do("anonymous", http.MethodPost, confirm, url.Values{}); !strings.Contains(rec.Body.String(), "You are in") {
		t.Fatalf("confirm: %d", rec.Code)
	}
	runner.RunDue(ctx)
	unsub := regexp.MustCompile(`/series/unsubscribe/[A-Za-z0-9.]+`).FindString(smtp.Messages()[1].Header.Get("List-Unsubscribe"))
	// As a web mail reader may send it, from its own origin.
	req := httptest.NewRequest(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://mail.example.net")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Unsubscribed") {
		t.Errorf("one-click unsubscribe: %d", rec.Code)
	}
	// Every other form still refuses a post from another site.
	req = httptest.NewRequest(http.MethodPost, "/series", strings.NewReader("email=x%40example.org"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec = httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("a cross-site sign-up: %d", rec.Code)
	}
	if rec := f.do("anonymous", http.MethodGet, "/series/confirm/abc.def.ghi", nil); rec.Code != http.StatusNotFound {
		t.Errorf("a made-up link: %d", rec.Code)
	}
}
