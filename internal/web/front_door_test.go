package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
)

func (f *fixture) inquiries() []store.Inquiry {
	f.t.Helper()
	ctx := context.Background()
	var list []store.Inquiry
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) { list, err = tx.Inquiries(ctx, f.clinic.ID, ""); return err }); err != nil {
		f.t.Fatal(err)
	}
	return list
}

// inquiryForm is a form a person filled in over ten seconds.
func (f *fixture) inquiryForm(name string) url.Values {
	return url.Values{"name": {name}, "email": {"robin@example.org"}, "message": {"Low for a long time"}, "consent": {"yes"},
		"started": {f.srv.formStamp(f.now.Add(-10 * time.Second))}}
}

func TestInquiryIsStoredSealedAndListed(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("anonymous", "POST", "/inquire", f.inquiryForm("Robin Park"))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Thank you") {
		t.Fatalf("inquiry: %d %s", rec.Code, rec.Body.String())
	}
	list := f.inquiries()
	i := slices.IndexFunc(list, func(q store.Inquiry) bool { return q.Name == "Robin Park" })
	if len(list) != 2 || i < 0 || list[i].Message != "Low for a long time" || !list[i].Consent || list[i].Status != store.InquiryNew {
		t.Fatalf("inquiries = %+v", list)
	}
	body := f.do("assigned", "GET", "/inquiries", nil).Body.String()
	if !strings.Contains(body, "Robin Park") {
		t.Errorf("the staff list does not show the new inquiry")
	}
}

func TestInquiryValidationKeepsValuesAndStoresNothing(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := f.inquiryForm("")
	form.Del("consent")
	rec := f.do("anonymous", "POST", "/inquire", form)
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "Please tell us your name") || !strings.Contains(body, "Please tick the box") ||
		!strings.Contains(body, "robin@example.org") || !strings.Contains(body, "Low for a long time") {
		t.Fatalf("invalid inquiry: %d %s", rec.Code, body)
	}
	if n := len(f.inquiries()); n != 1 {
		t.Fatalf("%d inquiries stored, want only the fixture's", n)
	}
}

func TestInquirySpamTrapsStoreNothing(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	cases := map[string]func(url.Values){
		"honeypot filled": func(v url.Values) { v.Set("website", "http://spam.example") },
		"sent too fast":   func(v url.Values) { v.Set("started", f.srv.formStamp(f.now.Add(-time.Second))) },
		"forged stamp":    func(v url.Values) { v.Set("started", "1700000000.deadbeef") },
		"no stamp":        func(v url.Values) { v.Del("started") },
	}
	for name, change := range cases {
		form := f.inquiryForm("Spam Bot")
		change(form)
		rec := f.do("anonymous", "POST", "/inquire", form)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Thank you") {
			t.Errorf("%s: %d; want the same thank-you page", name, rec.Code)
		}
	}
	if n := len(f.inquiries()); n != 1 {
		t.Fatalf("%d inquiries stored, want only the fixture's", n)
	}
}

func TestInquiryRateLimit(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	for i := range inquiryPerIPHour {
		if rec := f.do("anonymous", "POST", "/inquire", f.inquiryForm("Robin")); rec.Code != http.StatusOK {
			t.Fatalf("inquiry %d: %d", i+1, rec.Code)
		}
	}
	rec := f.do("anonymous", "POST", "/inquire", f.inquiryForm("Robin"))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("inquiry over the limit: %d", rec.Code)
	}
	if n := len(f.inquiries()); n != 1+inquiryPerIPHour {
		t.Fatalf("%d inquiries stored, want %d", n, 1+inquiryPerIPHour)
	}
	f.now = f.now.Add(61 * time.Minute)
	if rec := f.do("anonymous", "POST", "/inquire", f.inquiryForm("Robin")); rec.Code != http.StatusOK {
		t.Fatalf("an hour later: %d", rec.Code)
	}
}

func TestConvertInquiryMakesClientCourseAndInvite(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	path := "/inquiries/" + f.frontDoor.inquiryID + "/convert"
	rec := f.do("assigned", "POST", path, url.Values{"given_name": {"Ivy"}, "family_name": {"Inquirer"}, "invite": {"1"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "course in intake") || !strings.Contains(rec.Body.String(), "/invite/") {
		t.Fatalf("convert: %d %s", rec.Code, rec.Body.String())
	}
	ctx := context.Background()
	var q store.Inquiry
	var course store.Course
	var team []string
	var client store.Client
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		if q, err = tx.Inquiry(ctx, f.clinic.ID, f.frontDoor.inquiryID); err != nil {
			return err
		}
		if client, err = tx.Client(ctx, f.clinic.ID, q.ClientID); err != nil {
			return err
		}
		if course, _, err = tx.CurrentCourse(ctx, f.clinic.ID, q.ClientID); err != nil {
			return err
		}
		team, err = tx.CareTeam(ctx, q.ClientID)
		return err
	})
	if q.Status != store.InquiryConverted || client.Email != "ivy@example.org" || client.Portal != "invited" {
		t.Fatalf("inquiry %+v, client %+v", q, client)
	}
	if course.State != care.Intake || len(team) != 1 || team[0] != f.users["assigned"].ID {
		t.Fatalf("course %+v, team %v", course, team)
	}
	// Converting twice is refused and makes no second client.
	if rec := f.do("assigned", "POST", path, url.Values{"given_name": {"Ivy"}, "family_name": {"Inquirer"}}); rec.Code != http.StatusConflict {
		t.Fatalf("second conversion: %d", rec.Code)
	}
}

// intakeForB gives client B a course in intake, with the prescriber on
// their care team.
func (f *fixture) intakeForB() store.Course {
	f.t.Helper()
	ctx := context.Background()
	b := f.clients["B"]
	c := store.Course{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, State: care.Intake, StartedAt: f.now, CreatedAt: f.now}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &c); err != nil {
			return err
		}
		return tx.AddToCareTeam(ctx, b.ID, f.users["prescriber"].ID, f.now)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// cleanIntake answers every section with nothing for screening to worry
// about; change alters answers before they are sent.
func cleanIntake(change map[string]string) map[string]url.Values {
	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	no := func(ids ...string) url.Values {
		out := url.Values{}
		for _, id := range ids {
			out.Set(id, "no")
		}
		return out
	}
	s := map[string]url.Values{
		"contact": v("phone", "555-0101", "emergency_name", "Sam", "emergency_relationship", "sister", "emergency_phone", "555-0102"),
		"medical": no("aneurysm_avm", "ich", "stroke", "heart_attack", "heart_disease", "intracranial_pressure", "intraocular_pressure", "liver_disease",
			"hyperthyroidism_untreated", "bladder_disease", "ketamine_hypersensitivity", "sleep_apnoea", "snore", "tired", "observed_apnoea", "neck_large", "male"),
		"medications":   {"med_name": {"lorazepam", ""}, "med_dose": {"1", ""}, "med_times": {"2", ""}, "med_class": {"benzodiazepine", "other"}},
		"substances":    no("substance_disorder_12m", "substance_use_3m", "substance_disorder_ever", "ketamine_disorder_ever"),
		"mental_health": no("psychosis_mania_now", "psychotic_disorder", "family_psychosis", "personality_disorder", "suicidal_intent"),
		"pregnancy":     no("pregnant", "breastfeeding"),
		"body":          v("height_cm", "170", "weight_kg", "70"),
		"hopes":         v("indication", "clinical", "hopes", "Hopes-Typed-Marker"),
	}
	s["medical"].Set("hypertension", "none")
	for k, val := range change {
		for _, form := range s {
			if _, ok := form[k]; ok {
				form.Set(k, val)
			}
		}
	}
	return s
}

func TestIntakeSavesSealedAndResumes(t *testing.T) {
	cfg := sqliteConfig(t)
	f := newFixture(t, cfg)
	course := f.intakeForB()
	sections := cleanIntake(nil)
	if rec := f.do("clientB", "POST", "/portal/intake/hopes", sections["hopes"]); rec.Code != http.StatusOK {
		t.Fatalf("save hopes: %d %s", rec.Code, rec.Body.String())
	}
	// A bad answer keeps what was typed, says what is wrong, and saves nothing.
	bad := url.Values{"height_cm": {"1700"}, "weight_kg": {"70"}}
	rec := f.do("clientB", "POST", "/portal/intake/body", bad)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "between 100 and 250 cm") || !strings.Contains(rec.Body.String(), "1700") {
		t.Fatalf("bad height: %d %s", rec.Code, rec.Body.String())
	}
	// Leaving and coming back: the saved section is done, the others are not.
	body := f.do("clientB", "GET", "/portal/intake", nil).Body.String()
	if strings.Count(body, ">Done<") != 1 || !strings.Contains(body, "To do") {
		t.Fatalf("overview after one section: %s", body)
	}
	if page := f.do("clientB", "GET", "/portal/intake/hopes", nil).Body.String(); !strings.Contains(page, "Hopes-Typed-Marker") {
		t.Fatalf("the saved answer is not shown again")
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(cfg.DataDir, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var raw string
	if err := db.QueryRow(`SELECT answers FROM intake_answers WHERE course_id = ?`, course.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw == "" || strings.Contains(raw, "Hopes-Typed-Marker") || strings.Contains(raw, "clinical") {
		t.Fatalf("intake answers are stored in plain text: %q", raw)
	}
	// Finishing before every section is done is refused.
	if rec := f.do("clientB", "POST", "/portal/intake-finish", url.Values{}); rec.Code != http.StatusBadRequest {
		t.Fatalf("early finish: %d", rec.Code)
	}
}

// completeIntake sends every section and finishes.
func (f *fixture) completeIntake(sections map[string]url.Values) {
	f.t.Helper()
	for id, form := range sections {
		if rec := f.do("clientB", "POST", "/portal/intake/"+id, form); rec.Code != http.StatusOK {
			f.t.Fatalf("save %s: %d %s", id, rec.Code, rec.Body.String())
		}
	}
	if rec := f.do("clientB", "POST", "/portal/intake-finish", url.Values{}); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "intake is complete") {
		f.t.Fatalf("finish: %d %s", rec.Code, rec.Body.String())
	}
}

func (f *fixture) courseOfB() store.Course {
	f.t.Helper()
	ctx := context.Background()
	var c store.Course
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		c, _, err = tx.CurrentCourse(ctx, f.clinic.ID, f.clients["B"].ID)
		return err
	})
	return c
}

func TestScreeningApproveWithReviewRule(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	f.intakeForB()
	// Lorazepam 1 mg twice a day = 2 mg/day = 20 mg diazepam-equivalent, over the 8 mg limit.
	f.completeIntake(cleanIntake(nil))
	if c := f.courseOfB(); c.State != care.Screening {
		t.Fatalf("after intake the course is %s", c.State)
	}
	path := "/clients/" + f.clients["B"].ID + "/screening"
	body := f.do("prescriber", "GET", path, nil).Body.String()
	for _, want := range []string{"High benzodiazepine dose", "20 mg diazepam-equivalent", "Prescriber review", "Source:"} {
		if !strings.Contains(body, want) {
			t.Errorf("screening page lacks %q", want)
		}
	}
	// A therapist may read but not decide; someone off the team sees nothing.
	if rec := f.do("unassigned", "POST", path, url.Values{"kind": {"approve"}, "note": {"ok"}}); rec.Code != http.StatusNotFound {
		t.Fatalf("therapist deciding: %d", rec.Code)
	}
	if rec := f.do("assigned", "GET", path, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("therapist off the team reading: %d", rec.Code)
	}
	// Approving over a review rule needs a reason; the form keeps the choice.
	rec := f.do("prescriber", "POST", path, url.Values{"kind": {"approve"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "written reason") {
		t.Fatalf("approval without a reason: %d", rec.Code)
	}
	rec = f.do("prescriber", "POST", path, url.Values{"kind": {"approve"}, "note": {"Taper agreed with the GP."}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Valid until") {
		t.Fatalf("approval: %d %s", rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), "Record a decision") {
		t.Errorf("a valid approval still offers the decision form")
	}
	ctx := context.Background()
	var d store.ScreeningDecision
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		d, _, err = tx.LatestScreeningDecision(ctx, f.clinic.ID, f.courseOfB().ID)
		return err
	})
	if d.Kind != "approve" || d.Tier != "review" || d.ExpiresAt == nil || !d.ExpiresAt.Equal(f.now.AddDate(0, 0, 180)) || d.DecidedBy != f.users["prescriber"].ID {
		t.Fatalf("decision = %+v", d)
	}
	if c := f.courseOfB(); c.State != care.Preparation {
		t.Fatalf("after approval the course is %s", c.State)
	}
}

func TestScreeningExcludeCannotBeApprovedAndDeclineCloses(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	f.intakeForB()
	f.completeIntake(cleanIntake(map[string]string{"ich": "yes"}))
	path := "/clients/" + f.clients["B"].ID + "/screening"
	if body := f.do("prescriber", "GET", path, nil).Body.String(); !strings.Contains(body, "History of intracerebral haemorrhage") || !strings.Contains(body, "hard stop") {
		t.Fatalf("screening page: %s", body)
	}
	rec := f.do("prescriber", "POST", path, url.Values{"kind": {"approve_with_conditions"}, "note": {"Only with monitoring"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "cannot be approved") || !strings.Contains(rec.Body.String(), "Only with monitoring") {
		t.Fatalf("approval over exclude: %d", rec.Code)
	}
	if c := f.courseOfB(); c.State != care.Screening {
		t.Fatalf("a refused approval changed the course to %s", c.State)
	}
	rec = f.do("prescriber", "POST", path, url.Values{"kind": {"decline"}, "note": {"Past bleed in the brain: ketamine is not safe."}})
	if rec.Code != http.StatusOK {
		t.Fatalf("decline: %d", rec.Code)
	}
	if c := f.courseOfB(); c.State != care.Declined || c.EndedAt == nil {
		t.Fatalf("after decline the course is %+v", c)
	}
}

// A public page opened for one clinic links that clinic's inquiry form, from
// the nav and from the contact card, so the message reaches it.
func TestPublicPagesLinkTheInquiryOfTheirClinic(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	for _, path := range []string{"/?clinic=other", "/about-kap?clinic=other", "/inquire?clinic=other"} {
		body := f.do("anonymous", "GET", path, nil).Body.String()
		// The nav's "Get in touch", and the card's "Send us a message" (on
		// the inquiry page, the form's action).
		if n := strings.Count(body, `"/inquire?clinic=other"`); n != 2 {
			t.Errorf("%s: %d links to the other clinic's inquiry form, want 2", path, n)
		}
		if strings.Contains(body, `href="/inquire"`) {
			t.Errorf("%s: links the inquiry form without its clinic", path)
		}
	}
}

// Finishing early says what is left; finishing again once the course has
// moved on is refused with a message and changes nothing.
func TestFinishIntakeEarlyOrTwiceSaysWhy(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	course := f.intakeForB()
	rec := f.do("clientB", "POST", "/portal/intake-finish", url.Values{})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "A few sections are still to do") {
		t.Fatalf("early finish: %d %s", rec.Code, rec.Body.String())
	}
	f.completeIntake(cleanIntake(nil))
	finished := f.now
	f.now = f.now.Add(time.Minute)
	rec = f.do("clientB", "POST", "/portal/intake-finish", url.Values{})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Your intake is finished") {
		t.Fatalf("second finish: %d %s", rec.Code, rec.Body.String())
	}
	ctx := context.Background()
	var in store.Intake
	f.st.Read(ctx, func(tx *store.Tx) (err error) { in, _, err = tx.CourseIntake(ctx, f.clinic.ID, course.ID); return err })
	if in.CompletedAt == nil || !in.CompletedAt.Equal(finished) {
		t.Fatalf("after a second finish the intake was completed at %v, want %v", in.CompletedAt, finished)
	}
	if c := f.courseOfB(); c.State != care.Screening {
		t.Fatalf("after a second finish the course is %s", c.State)
	}
}

// cssrsForB stores a C-SSRS screener of client B, of the given version and
// tier, completed at.
func (f *fixture) cssrsForB(courseID, instrument string, tier measures.Tier, at time.Time) {
	f.t.Helper()
	ctx := context.Background()
	b := f.clients["B"]
	asg := store.Assignment{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, CourseID: courseID, InstrumentID: instrument,
		Occasion: string(measures.OccasionBaseline), DueAt: at, CreatedAt: at}
	r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: f.clinic.ID, ClientID: b.ID, CourseID: courseID,
		InstrumentID: instrument, Answers: measures.Answers{}, Tier: string(tier), EnteredBy: f.users["clientB"].ID, CompletedAt: at, RecordedAt: at}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAssignment(ctx, &asg); err != nil {
			return err
		}
		return tx.SaveResponse(ctx, &r, nil)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// Screening reads the newest C-SSRS screener of either version: a
// since-last-contact screener after a recent-version one counts.
func TestScreeningReadsTheNewestCSSRSOfEitherVersion(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	course := f.intakeForB()
	f.cssrsForB(course.ID, measures.CSSRSScreen, measures.TierNone, f.now.AddDate(0, 0, -10))
	f.cssrsForB(course.ID, measures.CSSRSScreenSLC, measures.TierHigh, f.now.AddDate(0, 0, -1))
	f.completeIntake(cleanIntake(nil))
	body := f.do("prescriber", "GET", "/clients/"+f.clients["B"].ID+"/screening", nil).Body.String()
	if !strings.Contains(body, "Suicidal thoughts with intent or a plan") || !strings.Contains(body, "C-SSRS screener tier high") {
		t.Fatalf("the newer since-last-contact screener is not read: %s", body)
	}

	// And the other way round: a newer recent-version screener wins.
	f = newFixture(t, sqliteConfig(t))
	course = f.intakeForB()
	f.cssrsForB(course.ID, measures.CSSRSScreenSLC, measures.TierHigh, f.now.AddDate(0, 0, -10))
	f.cssrsForB(course.ID, measures.CSSRSScreen, measures.TierNone, f.now.AddDate(0, 0, -1))
	f.completeIntake(cleanIntake(nil))
	body = f.do("prescriber", "GET", "/clients/"+f.clients["B"].ID+"/screening", nil).Body.String()
	if strings.Contains(body, "C-SSRS screener tier high") {
		t.Fatalf("an older since-last-contact screener outweighs a newer one")
	}
}
