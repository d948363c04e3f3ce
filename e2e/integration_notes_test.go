package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"doorway/internal/export/pdftest"
	"doorway/internal/store"
	"doorway/internal/web"
	"doorway/internal/workbook"
)

// TestJournalSharedEntryOnly: on a 390-pixel phone Maya writes two journal
// entries and shares one, and agrees to her shared reflections going into
// her course summary. Sam, her therapist, reads exactly the shared one,
// and nothing of the other appears anywhere he looks: the chart, the
// course, the shared journal, the integration notes, the end of the course,
// Patient/$everything with his API token, the summary PDF. Every page
// passes axe; the pages and the PDF are saved as pictures to look at.
func TestJournalSharedEntryOnly(t *testing.T) {
	srv := sqliteServer(t)
	stamp := time.Now().UnixNano() // the shared server may run this test again
	private := fmt.Sprintf("Private-Entry-%d", stamp)
	shared := fmt.Sprintf("Shared-Entry-%d", stamp)

	maya := newTab(t, srv.URL, phone)
	signIn(maya, srv.login(t, "Maya"))
	write := func(words string) {
		maya.open("/portal/journal/write")
		typeInto(maya, "body", words)
		maya.submit(`form.journal-form button[type="submit"]`)
		if !strings.Contains(maya.bodyText(), "Your entry is saved.") {
			t.Fatalf("after saving an entry:\n%s", maya.bodyText())
		}
	}
	write(private + ": what I have never said about my father.")
	write(shared + ": the river at dawn, and Wen laughing.")
	maya.submit(`form[action$="/share"] button`)
	if !strings.Contains(maya.bodyText(), "Your care team can now read this entry.") {
		t.Fatalf("after sharing:\n%s", maya.bodyText())
	}
	maya.open("/portal/journal")
	if n := strings.Count(maya.bodyText(), "shared with your care team"); n < 1 {
		t.Errorf("Maya's journal shows %d shared entries", n)
	}
	maya.screenshot("journal-two-entries")

	maya.open("/portal")
	maya.open(maya.linkTo("Look back on your course"))
	if h := maya.heading(); h != "Looking back on your course" {
		t.Fatalf("the portal's look back leads to %q", h)
	}
	if maya.has(`#reflections-choice input[value="1"]`) {
		maya.submit(`#reflections-choice button`)
	}
	if !strings.Contains(maya.bodyText(), "Your shared reflections (the journal entries you share with your care team) go into your summary.") {
		t.Fatalf("Maya's choice is not recorded:\n%s", maya.bodyText())
	}
	own := pdfText(t, maya.download("#summary-pdf"))
	if !strings.Contains(own, shared) || strings.Contains(own, private) {
		t.Errorf("Maya's own summary: shared %v, private %v", strings.Contains(own, shared), strings.Contains(own, private))
	}
	shoot(t, srv, "Maya", "summary", "/portal/summary", "/portal/journal")

	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := sam.linkTo("Maya Chen")
	if chart == "" {
		t.Fatalf("Maya is not on Sam's caseload")
	}
	for _, p := range []string{chart, chart + "/course", chart + "/journal", chart + "/integration", chart + "/course/review", chart + "/workbook", chart + "/practices"} {
		sam.open(p)
		page := sam.bodyText()
		if strings.Contains(page, private) {
			t.Errorf("%s shows Maya's private entry", p)
		}
		if strings.HasSuffix(p, "/journal") && strings.Count(page, fmt.Sprint(stamp)) != 1 || strings.HasSuffix(p, "/journal") && !strings.Contains(page, shared) {
			t.Errorf("Sam's view of Maya's shared journal holds %d of this run's entries, want exactly the shared one", strings.Count(page, fmt.Sprint(stamp)))
		}
	}

	samID, mayaID := userID(t, srv, "Sam"), clientID(t, srv, "Maya")
	api := apiClient{t: t, base: srv.URL, token: apiToken(t, srv, samID)}
	code, _, everything := api.call("GET", "/Patient/"+mayaID+"/$everything", nil)
	if code != http.StatusOK {
		t.Fatalf("$everything as Sam: %d", code)
	}
	if text := fhirText(t, everything); strings.Contains(text, private) || strings.Contains(text, shared) {
		t.Error("$everything holds a journal entry: entries are not exported")
	}

	sam.open(chart + "/course/review")
	pdf := sam.download("#summary-pdf")
	doc := pdfText(t, pdf)
	for _, want := range []string{"Course summary", "Maya Chen", "Medicine sessions", "Scores over the course", "Goals and intentions", "Shared reflections", shared} {
		if !strings.Contains(doc, want) {
			t.Errorf("Sam's copy of the summary lacks %q", want)
		}
	}
	if strings.Contains(doc, private) {
		t.Error("Sam's copy of the summary holds the private entry")
	}
	pages := renderPDF(t, pdf, "maya-course-summary")
	t.Logf("the summary: %d pages, %d KB, rendered as %v", len(pdftest.Pages(t, pdf)), len(pdf)/1024, pages)
	shoot(t, srv, "Sam", "integration", strings.TrimPrefix(chart, srv.URL)+"/integration", strings.TrimPrefix(chart, srv.URL)+"/course/review",
		strings.TrimPrefix(chart, srv.URL)+"/journal")
}

// TestPsychotherapyNoteSeenOnlyByItsAuthor: Sam writes a psychotherapy
// note about Maya, on a page that says who may read it. Alex, the admin,
// opens every page of the router, filled in with Maya's records and Sam's
// note, and reads the audit log: the note's words are on none of them, and
// its own pages answer Not found. FHIR with Alex's token has none of it.
// Quinn, another therapist on Maya's care team, sees an empty list of their
// own and Not found for the note, on the pages and through FHIR.
func TestPsychotherapyNoteSeenOnlyByItsAuthor(t *testing.T) {
	srv := sqliteServer(t)
	stamp := time.Now().UnixNano()
	words := fmt.Sprintf("Process-Note-%d", stamp)
	mayaID := clientID(t, srv, "Maya")

	// Quinn joins Maya's care team, for this test only: the server is
	// shared.
	quinn := newStaff(t, srv, "Quinn Avery", fmt.Sprintf("quinn-%d@stillwater.example", stamp), store.RoleTherapist)
	quinnID := userByEmail(t, srv, quinn.Email)
	ctx := context.Background()
	if err := srv.Store.Write(ctx, func(tx *store.Tx) error { return tx.AddToCareTeam(ctx, mayaID, quinnID, srv.Now()) }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Store.Write(ctx, func(tx *store.Tx) error { return tx.RemoveFromCareTeam(ctx, mayaID, quinnID) })
	})

	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := "/clients/" + mayaID
	sam.open(chart)
	sam.open(sam.linkTo("My psychotherapy notes"))
	about := sam.text("#process-notes-about")
	for _, want := range []string{"Only you can read these notes.", "not the clinic's admins", "45 CFR 164.501", "not in the client's exports"} {
		if !strings.Contains(about, want) {
			t.Errorf("the notes page does not say %q: %s", want, about)
		}
	}
	typeInto(sam, "process-body", words+": her silence when her father came up; my wish to rescue.")
	sam.submit(`form[action$="/psychotherapy-notes"] button[type="submit"]`)
	if !strings.Contains(sam.bodyText(), "The note is saved. Only you can read it.") {
		t.Fatalf("after saving:\n%s", sam.bodyText())
	}
	note := run(sam, "the note's link", chromedp.Evaluate[string](`document.querySelector("main ul.plain li a").getAttribute("href")`))
	sam.open(note)
	if got := run(sam, "the note", chromedp.Evaluate[string](`document.getElementById("process-body").value`)); !strings.Contains(got, words) {
		t.Fatalf("Sam cannot read his own note: %q", got)
	}
	shoot(t, srv, "Sam", "process", chart+"/psychotherapy-notes", note)

	// Alex, the admin: the note's pages are Not found.
	alex := newTab(t, srv.URL, desktop)
	signIn(alex, srv.login(t, "Alex"))
	for _, p := range []string{note, chart + "/psychotherapy-notes"} {
		alex.open(p)
		if h := alex.heading(); h != "Not found" || strings.Contains(alex.bodyText(), words) {
			t.Errorf("Alex opening %s sees %q", p, h)
		}
	}
	alex.open("/admin/audit")
	if strings.Contains(alex.bodyText(), words) {
		t.Error("the audit log shows the note's words")
	}
	alex.open(chart)
	if alex.linkTo("My psychotherapy notes") != "" {
		t.Error("Alex's view of the chart offers psychotherapy notes")
	}
	alex.screenshot("admin-chart-no-process-notes")

	// Every GET route of the pages, as Alex; and as Sam, to show the sweep
	// finds the words where they are.
	noteID := note[strings.LastIndex(note, "/")+1:]
	fill := routeFiller(t, srv, mayaID, noteID)
	seen, served, found := sweep(t, srv, alex, fill, words)
	for _, p := range found {
		t.Errorf("Alex's GET %s holds the psychotherapy note", p)
	}
	t.Logf("Alex's sweep: %d GET routes, %d answered 200, the note's words on %d", seen, served, len(found))
	if _, _, found := sweep(t, srv, sam, fill, words); len(found) != 2 {
		t.Errorf("Sam's own sweep finds the note on %v, want his list and the note", found)
	}

	// FHIR as Alex and as Quinn.
	for who, id := range map[string]string{"Alex": userID(t, srv, "Alex"), "Quinn": quinnID} {
		api := apiClient{t: t, base: srv.URL, token: apiToken(t, srv, id)}
		for _, path := range []string{"/Patient/" + mayaID + "/$everything", "/DocumentReference?patient=" + mayaID} {
			code, _, body := api.call("GET", path, nil)
			if code != http.StatusOK {
				t.Errorf("%s as %s: %d", path, who, code)
				continue
			}
			if strings.Contains(fhirText(t, body), words) {
				t.Errorf("%s as %s holds the psychotherapy note", path, who)
			}
		}
	}

	// Quinn, on the same care team.
	q := newTab(t, srv.URL, phone)
	signIn(q, quinn)
	q.open(chart + "/psychotherapy-notes")
	if body := q.bodyText(); strings.Contains(body, words) || !strings.Contains(body, "You have no psychotherapy notes about Maya Chen.") {
		t.Errorf("Quinn's list of notes about Maya:\n%s", body)
	}
	q.screenshot("process-notes-other-therapist")
	for _, p := range []string{note, chart, chart + "/integration", chart + "/course"} {
		q.open(p)
		if strings.Contains(q.bodyText(), words) {
			t.Errorf("Quinn sees the note on %s", p)
		}
	}
	q.open(note)
	if h := q.heading(); h != "Not found" {
		t.Errorf("Quinn opening Sam's note sees %q", h)
	}
}

// sweep fetches every GET route of the pages as the person signed in at b
// (their cookies, outside the browser), each with its wildcards filled,
// reading PDFs as text. It returns how many routes it asked, how many
// answered 200, and the paths whose response holds words.
func sweep(t *testing.T, srv *server, b *tab, fill *strings.Replacer, words string) (seen, served int, found []string) {
	t.Helper()
	cookies, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, rt := range web.New(web.Config{}).Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		path := fill.Replace(rt.Pattern)
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for _, c := range cookies.Cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		seen++
		if resp.StatusCode == http.StatusOK {
			served++
		}
		text := string(body)
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/pdf") {
			text = pdfText(t, body)
		}
		if strings.Contains(text, words) {
			found = append(found, path)
		}
	}
	return seen, served, found
}

// routeFiller fills the routes' wildcards with Maya's records, Sam's
// account and the psychotherapy note; the rest with things that exist in
// the demo or, where none will do, a well-formed id of nothing.
func routeFiller(t *testing.T, srv *server, mayaID, noteID string) *strings.Replacer {
	t.Helper()
	ctx := context.Background()
	var appt, room, goal string
	err := srv.Store.Read(ctx, func(tx *store.Tx) error {
		c, err := tx.ClinicByRef(ctx, clinicRef(t, srv))
		if err != nil {
			return err
		}
		ms, err := tx.ClientMedicineSessions(ctx, c.ID, mayaID)
		if err != nil || len(ms) == 0 {
			return fmt.Errorf("Maya's sessions: %d, %v", len(ms), err)
		}
		appt = ms[len(ms)-1].AppointmentID
		rooms, err := tx.Rooms(ctx, c.ID)
		if err != nil || len(rooms) == 0 {
			return fmt.Errorf("rooms: %v", err)
		}
		room = rooms[0].ID
		gs, err := tx.ClientGoals(ctx, c.ID, mayaID)
		if len(gs) > 0 {
			goal = gs[0].ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	nothing := "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	return strings.NewReplacer("{$}", "", "/clients/{id}", "/clients/"+mayaID, "/admin/staff/{id}", "/admin/staff/"+userID(t, srv, "Sam"),
		"/inquiries/{id}", "/inquiries/"+nothing, "/account/tokens/{id}", "/account/tokens/"+nothing, "{pnote}", noteID, "{appt}", appt,
		"{room}", room, "{goal}", goal, "{instrument}", "phq9", "{token}", "not-a-real-token", "{kind}", "kap", "{section}", "hopes",
		"{slug}", workbook.Articles()[0].Slug, "{n}", "1", "{entry}", nothing, "{log}", nothing, "{id}", mayaID)
}

// fhirText is everything a FHIR response says, with each attachment's data
// decoded, to look for words in.
func fhirText(t *testing.T, m map[string]any) string {
	t.Helper()
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "data" {
					raw, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						t.Errorf("attachment data is not base64: %v", err)
					}
					b.Write(raw)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			b.WriteString(v + "\n")
		}
	}
	walk(m)
	return b.String()
}

// pdfText is a PDF's text as one string.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return strings.Join(pdftest.Pages(t, pdf), " ")
}

// renderPDF draws each page of a PDF as a PNG beside the screenshots, with
// poppler's pdftoppm, so a person can look at it; it returns the files.
func renderPDF(t *testing.T, pdf []byte, name string) []string {
	t.Helper()
	bin := pdftest.Tool(t, "pdftoppm")
	dir := shotDir(t)
	in := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-r", "60", "-png", in, filepath.Join(dir, "pdf-"+name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "pdf-"+name+"*.png"))
	return files
}

// userID is the id of a demo person's account, by first name.
func userID(t *testing.T, srv *server, first string) string {
	t.Helper()
	return userByEmail(t, srv, srv.login(t, first).Email)
}

func userByEmail(t *testing.T, srv *server, email string) string {
	t.Helper()
	ctx := context.Background()
	var id string
	if err := srv.Store.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		id = u.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// clientID is the client record of a demo client, by first name.
func clientID(t *testing.T, srv *server, first string) string {
	t.Helper()
	ctx := context.Background()
	var id string
	if err := srv.Store.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, srv.login(t, first).Email)
		if err != nil {
			return err
		}
		c, err := tx.ClientByUser(ctx, u.ID)
		id = c.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}
