package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/screening"
	"doorway/internal/session"
	"doorway/internal/store"
)

// TestCouplesJointSessionFromBothGatesToTheSharedSpace: the admin links A
// and B as a couple; in their joint medicine session A's dose waits, with
// the page naming why, until both have signed the couples consent and B's
// own gates are clear; then it goes ahead. The partners share a reflection
// space no member of staff reads; partner A cannot open B's private
// journal entry; and once B leaves couples work the space is read-only to
// both and the couple has ended.
func TestCouplesJointSessionFromBothGatesToTheSharedSpace(t *testing.T) {
	f := readyFixture(t)
	ctx := context.Background()
	a, b := f.clients["A"], f.clients["B"]
	// A therapist on one partner's team only may not link them.
	if rec := f.do("assigned", "POST", couplePath(a.ID), url.Values{"partner": {b.ID}}); rec.Code != http.StatusNotFound {
		t.Fatalf("A's therapist linking A with a client not theirs: %d", rec.Code)
	}
	rec := f.do("admin", "POST", couplePath(a.ID), url.Values{"partner": {b.ID}})
	mustSee(t, "linked", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK, "In couples work with Blake Other", "Couples consent: Blake Other")
	// B's therapist reads the couple from B's side, not A's record.
	if rec := f.do("unassigned", "GET", couplePath(b.ID), nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "In couples work with Avery") {
		t.Errorf("B's therapist on B's couples page: %d", rec.Code)
	}
	if rec := f.do("unassigned", "GET", couplePath(a.ID), nil); rec.Code != http.StatusNotFound {
		t.Errorf("B's therapist on A's couples page: %d", rec.Code)
	}

	start := f.now.Add(-10 * time.Minute)
	var bCourse store.Course
	joint := store.Appointment{ID: auth.NewID(), ClinicID: f.clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		CreatedBy: f.users["admin"].ID, CreatedAt: f.now.Add(-48 * time.Hour), Staff: []string{f.users["assigned"].ID, f.users["unassigned"].ID},
		Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: f.measures.courseID}}}
	presc := f.users["prescriber"].ID
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		bCourse = store.Course{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, State: care.Active, StartedAt: f.now.AddDate(0, 0, -10), CreatedAt: f.now}
		if err := tx.CreateCourse(ctx, &bCourse); err != nil {
			return err
		}
		joint.Clients = append(joint.Clients, store.AppointmentClient{ClientID: b.ID, CourseID: bCourse.ID})
		return tx.BookAppointment(ctx, &joint)
	})
	if err != nil {
		t.Fatal(err)
	}
	aPath, bPath := sessionPath(a.ID, joint.ID), sessionPath(b.ID, joint.ID)
	if rec := f.do("assigned", "POST", aPath+"/checklist", f.checks("128", "82")); rec.Code != http.StatusSeeOther {
		t.Fatalf("A's checks: %d", rec.Code)
	}
	dose := f.doseForm("80.0", "")
	rec = f.do("assigned", "POST", aPath+"/dose", dose)
	mustSee(t, "A's dose before B is ready", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusBadRequest,
		"Couples consent: Avery", "Blake Other is not ready yet, so neither dose starts")
	page := f.do("assigned", "GET", aPath, nil).Body.String()
	for _, want := range []string{"Linked as a couple", "Couples consent: Blake Other", "Blake Other&#39;s own gates"} {
		if !strings.Contains(page, want) {
			t.Errorf("A's session page does not show %q", want)
		}
	}

	// Both sign the couples consent; B is screened, consents, has an order
	// and passes the day's checks on B's own page.
	expires := f.now.AddDate(0, 0, 150)
	err = f.st.Write(ctx, func(tx *store.Tx) error {
		for _, c := range []store.Client{a, b} {
			for _, kind := range []string{care.ConsentCouples, care.ConsentKAP} {
				if kind == care.ConsentKAP && c.ID == a.ID {
					continue
				}
				sig := store.ConsentSignature{ClinicID: f.clinic.ID, ClientID: c.ID, Kind: kind, TypedName: c.GivenName, Agreed: true, SignedAt: f.now.Add(-time.Hour)}
				if _, err := tx.SignConsent(ctx, &sig, 1); err != nil {
					return err
				}
			}
		}
		if err := tx.RecordScreeningDecision(ctx, &store.ScreeningDecision{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, CourseID: bCourse.ID,
			Kind: screening.Approve, Tier: screening.Info, DecidedBy: presc, DecidedAt: f.now.AddDate(0, 0, -5), ExpiresAt: &expires}); err != nil {
			return err
		}
		for _, g := range []string{care.GateBaseline, care.GatePreparation} {
			if err := tx.AddGateOverride(ctx, &store.GateOverride{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, CourseID: bCourse.ID,
				GateID: g, Reason: "Done with the couple on paper.", By: presc, At: f.now.Add(-time.Hour)}); err != nil {
				return err
			}
		}
		o := store.DosingOrder{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, CourseID: bCourse.ID, WrittenBy: presc, WrittenAt: f.now.Add(-24 * time.Hour),
			Order: session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60)}}
		return tx.WriteDosingOrder(ctx, &o, session.DefaultSettings())
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec := f.do("unassigned", "POST", bPath+"/checklist", f.checks("118", "76")); rec.Code != http.StatusSeeOther {
		t.Fatalf("B's checks: %d", rec.Code)
	}
	if rec := f.do("assigned", "POST", aPath+"/dose", dose); rec.Code != http.StatusSeeOther {
		t.Fatalf("A's dose once both are ready: %d %s", rec.Code, rec.Body.String())
	}

	// The joint view: a column per partner, headed with the name; A's
	// therapist sees A's column live and only B's name.
	rec = f.do("admin", "GET", jointPath(joint.ID), nil)
	mustSee(t, "the joint view", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK,
		"Avery", "Blake Other", "Every gate is cleared for Blake Other", "Since the dose", "BP 118/76")
	if body := rec.Body.String(); !strings.Contains(body, aPath+"/live?column=") {
		t.Errorf("A's live panel does not keep its column")
	}
	rec = f.do("assigned", "GET", jointPath(joint.ID), nil)
	mustSee(t, "the joint view for A's therapist", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK,
		"Since the dose", "care team; you are not on it")
	if strings.Contains(rec.Body.String(), "118/76") {
		t.Errorf("A's therapist sees B's reading on the joint view")
	}
	if rec := f.do("prescriber", "GET", jointPath(f.schedule.apptA), nil); rec.Code != http.StatusNotFound {
		t.Errorf("the joint view of a session of one: %d", rec.Code)
	}
	if rec := f.do("assigned", "GET", aPath+"/live?column=1", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Since the dose") {
		t.Errorf("A's panel for the joint view: %d", rec.Code)
	}

	// The shared space: A writes, B reads; staff never see it.
	rec = f.do("clientA", "POST", "/portal/couple/reflections", url.Values{"prompt": {""}, "body": {"We laughed on the drive home."}})
	mustSee(t, "A's reflection", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK, "We laughed on the drive home.", "hold off on major relationship decisions")
	rec = f.do("clientB", "GET", "/portal/couple", nil)
	mustSee(t, "B's shared space", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK, "We laughed on the drive home.", "Avery")
	// B's private journal stays B's: A cannot open it.
	var private store.JournalEntry
	err = f.st.Write(ctx, func(tx *store.Tx) error {
		private = store.JournalEntry{ClinicID: f.clinic.ID, ClientID: b.ID, Body: "Only mine: " + marker, CreatedAt: f.now, UpdatedAt: f.now}
		return tx.SaveJournalEntry(ctx, &private)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec := f.do("clientA", "GET", "/portal/journal/"+private.ID, nil); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
		t.Errorf("partner A opening B's journal entry: %d", rec.Code)
	}

	// B leaves: the couple ends, the space is read-only to both.
	rec = f.do("clientB", "POST", "/portal/couple/leave", url.Values{"reason": {"We need a pause."}})
	mustSee(t, "B leaves", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK, "You have left couples work", "read-only")
	if rec := f.do("clientA", "POST", "/portal/couple/reflections", url.Values{"body": {"After the end."}}); rec.Code != http.StatusConflict {
		t.Errorf("A writing after the end: %d", rec.Code)
	}
	if page := f.do("clientA", "GET", "/portal/couple", nil).Body.String(); !strings.Contains(page, "read-only") || strings.Contains(page, "After the end.") {
		t.Errorf("A's space after the end")
	}
	if page := f.do("admin", "GET", couplePath(a.ID), nil).Body.String(); !strings.Contains(page, "is not in couples work now") || !strings.Contains(page, "Ended") {
		t.Errorf("A's couples page after the end")
	}
	// B's couples consent is withdrawn with the leaving.
	err = f.st.Read(ctx, func(tx *store.Tx) error {
		sigs, err := tx.ConsentSignatures(ctx, f.clinic.ID, b.ID)
		for _, s := range sigs {
			if s.Kind == care.ConsentCouples && s.WithdrawnAt == nil {
				t.Errorf("B's couples consent still stands")
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestJointBookingNeedsTheCoupleAndBothConsents: the admin's booking of a
// joint session is refused, on the partner field, until the two are linked
// as a couple and until both have signed the couples consent.
func TestJointBookingNeedsTheCoupleAndBothConsents(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	a, b := f.clients["A"], f.clients["B"]
	form := bookingForm(f, "A", "15:00")
	form.Set("partner", b.ID)
	book := func() *testResponse {
		rec := f.do("admin", "POST", "/schedule", form)
		return &testResponse{code: rec.Code, body: rec.Body.String(), location: rec.Header().Get("Location")}
	}
	mustSee(t, "not linked", book(), http.StatusBadRequest, "are not linked as a couple")
	if rec := f.do("admin", "POST", couplePath(a.ID), url.Values{"partner": {b.ID}}); rec.Code != http.StatusOK {
		t.Fatalf("linking: %d", rec.Code)
	}
	mustSee(t, "no consents", book(), http.StatusBadRequest, "not signed yet by Avery", "and Blake Other")
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		sig := store.ConsentSignature{ClinicID: f.clinic.ID, ClientID: a.ID, Kind: care.ConsentCouples, TypedName: "Avery", Agreed: true, SignedAt: f.now.Add(-time.Hour)}
		_, err := tx.SignConsent(ctx, &sig, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := book()
	mustSee(t, "B's consent missing", r, http.StatusBadRequest, "not signed yet by Blake Other")
	if strings.Contains(r.body, "by Avery") {
		t.Errorf("Avery's signed consent is still named")
	}
	err = f.st.Write(ctx, func(tx *store.Tx) error {
		sig := store.ConsentSignature{ClinicID: f.clinic.ID, ClientID: b.ID, Kind: care.ConsentCouples, TypedName: "Blake", Agreed: true, SignedAt: f.now.Add(-time.Hour)}
		_, err := tx.SignConsent(ctx, &sig, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := book(); r.code != http.StatusSeeOther || !strings.HasPrefix(r.location, "/schedule/") {
		t.Errorf("booking once both consented: %d %s", r.code, r.location)
	}
}

// TestJointPrepNoteIsReadByBothCareTeams: a joint preparation note is
// signed into both partners' courses, each naming the other, so B's care
// team reads it on B's course; A's own notes stay off B's course. A
// clinician on only A's care team may not write a joint note.
func TestJointPrepNoteIsReadByBothCareTeams(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	a, b := f.clients["A"], f.clients["B"]
	if rec := f.do("admin", "POST", couplePath(a.ID), url.Values{"partner": {b.ID}}); rec.Code != http.StatusOK {
		t.Fatalf("linking: %d", rec.Code)
	}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		course := store.Course{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, State: care.Preparation, StartedAt: f.now.AddDate(0, 0, -10), CreatedAt: f.now}
		return tx.CreateCourse(ctx, &course)
	})
	if err != nil {
		t.Fatal(err)
	}
	day := f.now.In(f.clinic.Location()).Format("2006-01-02")
	joint := url.Values{"occurred_on": {day}, "body": {"Joint session: each named one hope for the other."}, "joint": {"1"}}
	rec := f.do("assigned", "POST", "/clients/"+a.ID+"/course/notes", joint)
	mustSee(t, "a joint note by A's therapist alone", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusBadRequest, "written by a clinician on both care teams")
	err = f.st.Write(ctx, func(tx *store.Tx) error { return tx.AddToCareTeam(ctx, b.ID, f.users["assigned"].ID, f.now) })
	if err != nil {
		t.Fatal(err)
	}
	rec = f.do("assigned", "POST", "/clients/"+a.ID+"/course/notes", joint)
	mustSee(t, "the joint note", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK, "signed into both partners", "joint session with Blake Other")
	own := url.Values{"occurred_on": {day}, "body": {"Alone: spoke of the affair, not to be shared."}}
	if rec := f.do("assigned", "POST", "/clients/"+a.ID+"/course/notes", own); rec.Code != http.StatusOK {
		t.Fatalf("A's own note: %d", rec.Code)
	}
	page := f.do("unassigned", "GET", "/clients/"+b.ID+"/course", nil).Body.String()
	if !strings.Contains(page, "each named one hope for the other") || !strings.Contains(page, "joint session with Avery") {
		t.Errorf("B's course does not show the joint note")
	}
	if strings.Contains(page, "the affair") {
		t.Errorf("B's course shows A's own note")
	}
}

// seedCouple links clients A and B as a couple and books their joint
// medicine session two days after A's own, with both care teams' staff.
func (f *fixture) seedCouple() {
	f.t.Helper()
	ctx := context.Background()
	a, b := f.clients["A"], f.clients["B"]
	start := f.schedule.startA.Add(48 * time.Hour)
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		c := store.Couple{ClinicID: f.clinic.ID, ClientA: a.ID, ClientB: b.ID, CreatedBy: f.users["admin"].ID, CreatedAt: f.now.Add(-time.Hour)}
		if err := tx.CreateCouple(ctx, &c); err != nil {
			return err
		}
		joint := store.Appointment{ID: auth.NewID(), ClinicID: f.clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
			CreatedBy: f.users["admin"].ID, CreatedAt: f.now, Staff: []string{f.users["assigned"].ID, f.users["unassigned"].ID},
			Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: f.measures.courseID}, {ClientID: b.ID}}}
		f.jointAppt = joint.ID
		return tx.BookAppointment(ctx, &joint)
	})
	if err != nil {
		f.t.Fatalf("couple: %v", err)
	}
}

// TestCareTeamEndsACouple: ending couples work from the care team's side
// needs an admin or a clinician on both care teams; a therapist on one
// partner's team is answered as if there were nothing to end. Once ended,
// the partners' shared space is read-only.
func TestCareTeamEndsACouple(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	f.seedCouple()
	var coupleID string
	err := f.st.Read(ctx, func(tx *store.Tx) error {
		c, ok, err := tx.LiveCoupleOf(ctx, f.clinic.ID, f.clients["A"].ID)
		if !ok {
			t.Fatal("no couple")
		}
		coupleID = c.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	end := url.Values{"couple": {coupleID}}
	if rec := f.do("assigned", "POST", couplePath(f.clients["A"].ID)+"/end", end); rec.Code != http.StatusNotFound {
		t.Errorf("A's therapist ending the couple alone: %d", rec.Code)
	}
	rec := f.do("admin", "POST", couplePath(f.clients["A"].ID)+"/end", end)
	mustSee(t, "the admin ends it", &testResponse{code: rec.Code, body: rec.Body.String()}, http.StatusOK, "Couples work has ended for both partners", "is not in couples work now")
	if rec := f.do("admin", "POST", couplePath(f.clients["A"].ID)+"/end", end); rec.Code != http.StatusConflict {
		t.Errorf("ending it twice: %d", rec.Code)
	}
	if page := f.do("clientB", "GET", "/portal/couple", nil).Body.String(); !strings.Contains(page, "read-only") || strings.Contains(page, `action="/portal/couple/reflections"`) {
		t.Errorf("B's shared space after the end still takes reflections")
	}
}
