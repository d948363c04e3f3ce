package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/seal"
	"doorway/internal/session"
	"doorway/internal/store"
)

// TestClinicalTextNeverReachesTheDisk plants a distinct marker, through
// the pages and so the use cases people use, in every column migration 0020
// sealed, and reads back the text the practice itself writes into the
// others (a safety flag's reason, the rules a screening fired, an alert's
// message). Then it reads the raw bytes of the database file, its WAL, a
// backup made by the backup function and the database restored from it,
// and finds none of them; and it checks that no audit entry's text holds a
// marker or a clinical value (a dose, a weight, a blood pressure, a rule,
// an alert, a reason). Each value is first shown to read back, so that a
// marker missing from the disk is not a marker never written.
//
// The survey of every TEXT column of both engines' schemas, and why each is
// sealed or not, is sealedColumnSurvey below.
func TestClinicalTextNeverReachesTheDisk(t *testing.T) {
	cfg := sqliteConfig(t)
	f := readyFixtureOn(t, cfg)
	ctx := context.Background()
	a := f.clients["A"]
	// Each marker is spelled so that it cannot occur by chance, and differs
	// from every other, so the column that leaks is named.
	planted := map[string]string{
		"prep_checklist.companion_name":      "Zephyrine Prepcompanion",
		"prep_checklist.companion_phone":     "+1 (541) 937-2864",
		"prep_checklist.room_note":           "Quillroom-Marker by the window",
		"inquiries.name":                     "Orrin Inquiryname",
		"inquiries.email":                    "orrin.quillmail@example.org",
		"inquiries.phone":                    "+44 20 7946 3172",
		"inquiries.close_reason":             "Quillclose-Marker: referred on",
		"medicine_sessions.companion_name":   "Wendeline Daycompanion",
		"medicine_sessions.companion_phone":  "(541) 555-8817",
		"medicine_sessions.lot_number":       "QLOT-7731-Z",
		"medicine_sessions.setting_other":    "Quillsetting-Marker weighted blanket",
		"medicine_sessions.released_to":      "WENDELINE DAYCOMPANION",
		"medicine_session_alert_acks.note":   "Quillack-Marker calm, rechecking",
		"medicine_session_observations.note": "Quillobs-Marker resting",
		"safety_flags.ack_note":              "Quillflag-Marker safety plan reviewed",
	}

	// Client B's intake fires a screening rule (a benzodiazepine), and the
	// prescriber approves. (Clients sign in first: the session below moves
	// the clock on by hours.)
	f.approvedB()

	// The client's own preparation checklist.
	prep := url.Values{"fasting": {"1"}, "substances": {"1"}, "stimulants": {"1"}, "room": {"1"},
		"companion_name": {planted["prep_checklist.companion_name"]}, "companion_phone": {planted["prep_checklist.companion_phone"]},
		"room_note": {planted["prep_checklist.room_note"]}}
	if rec := f.do("clientA", "POST", "/portal/preparation", prep); rec.Code != http.StatusOK {
		t.Fatalf("checklist: %d %s", rec.Code, rec.Body)
	}
	// An inquiry, closed with a reason.
	inq := f.inquiryForm(planted["inquiries.name"])
	inq.Set("email", planted["inquiries.email"])
	inq.Set("phone", planted["inquiries.phone"])
	if rec := f.do("anonymous", "POST", "/inquire", inq); rec.Code != http.StatusOK {
		t.Fatalf("inquiry: %d %s", rec.Code, rec.Body)
	}
	list := f.inquiries()
	i := slices.IndexFunc(list, func(q store.Inquiry) bool { return q.Name == planted["inquiries.name"] })
	if i < 0 || list[i].Email != planted["inquiries.email"] || list[i].Phone != planted["inquiries.phone"] {
		t.Fatalf("the inquiry does not read back: %+v", list)
	}
	if rec := f.do("assigned", "POST", "/inquiries/"+list[i].ID+"/close", url.Values{"reason": {planted["inquiries.close_reason"]}}); rec.Code != http.StatusOK {
		t.Fatalf("close inquiry: %d %s", rec.Code, rec.Body)
	}

	// A PHQ-9 answered "Several days" to question 9 raises a safety flag,
	// which the therapist acknowledges (an open flag would hold the dose).
	due := f.openForm("clientA", measures.PHQ9)
	phq := phq9Form(1, 1, 1, 1, 1, 1, 1, 1, 1)
	phq.Set("due", due)
	if rec := f.do("clientA", "POST", "/portal/measures/phq9", phq); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
		t.Fatalf("PHQ-9: %d %s", rec.Code, rec.Body)
	}
	var flagReason string
	for _, fl := range f.openFlags() {
		if fl.ClientID != a.ID {
			continue
		}
		flagReason = fl.Reason
		ack := "/clients/" + a.ID + "/flags/" + fl.ID + "/acknowledge"
		if rec := f.do("assigned", "POST", ack, url.Values{"note": {planted["safety_flags.ack_note"]}}); rec.Code != http.StatusSeeOther && rec.Code != http.StatusOK {
			t.Fatalf("acknowledge the flag: %d %s", rec.Code, rec.Body)
		}
	}

	// A medicine session: the checks with the day's companion, the dose
	// with its lot and setting, a sustained high blood pressure and its
	// acknowledgement, an observation, and the discharge to the companion.
	checks := f.checks("128", "82")
	checks.Set("companion_name", planted["medicine_sessions.companion_name"])
	checks.Set("companion_phone", planted["medicine_sessions.companion_phone"])
	if r := f.post("assigned", "/checklist", checks); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d %s", r.code, r.body)
	}
	dose := f.doseForm("80.0", "")
	dose.Set("lot", planted["medicine_sessions.lot_number"])
	dose.Set("setting_other", planted["medicine_sessions.setting_other"])
	if r := f.post("assigned", "/dose", dose); r.code != http.StatusSeeOther {
		t.Fatalf("dose: %d %s", r.code, r.body)
	}
	start := f.now
	reading := func(minutes int, sys, dia string) {
		t.Helper()
		f.wait(start.Add(time.Duration(minutes) * time.Minute).Sub(f.now))
		r := f.post("assigned", "/vitals", url.Values{"systolic": {sys}, "diastolic": {dia}, "heart_rate": {"80"}, "spo2": {"97"}, "sedation": {"5"}})
		if r.code != http.StatusSeeOther {
			t.Fatalf("reading at %d min: %d %s", minutes, r.code, r.body)
		}
	}
	reading(40, "182", "112")
	reading(45, "181", "110")
	alerts := f.sessionRecord().Alerts(session.DefaultAlertLimits())
	if len(alerts) != 1 {
		t.Fatalf("alerts = %+v", alerts)
	}
	if r := f.post("assigned", "/alerts", url.Values{"key": {alerts[0].Key}, "note": {planted["medicine_session_alert_acks.note"]}}); r.code != http.StatusSeeOther {
		t.Fatalf("ack: %d %s", r.code, r.body)
	}
	if r := f.post("assigned", "/observations", url.Values{"at": {f.clock(0)}, "sedation": {"4"}, "dissociation": {"Floating"},
		"note": {planted["medicine_session_observations.note"]}}); r.code != http.StatusSeeOther {
		t.Fatalf("observation: %d %s", r.code, r.body)
	}
	reading(125, "128", "80")
	if r := f.post("assigned", "/discharge", url.Values{"released_to": {planted["medicine_sessions.released_to"]}, "alert_oriented": {"1"}}); r.code != http.StatusSeeOther {
		t.Fatalf("discharge: %d %s", r.code, r.body)
	}
	rec := f.sessionRecord()
	m := rec.Session
	if m.Checklist.CompanionName != planted["medicine_sessions.companion_name"] || m.Checklist.CompanionPhone != planted["medicine_sessions.companion_phone"] ||
		m.Dose == nil || m.Dose.Lot != planted["medicine_sessions.lot_number"] || m.Setting.Other != planted["medicine_sessions.setting_other"] ||
		m.Discharge == nil || m.Discharge.ReleasedTo != planted["medicine_sessions.released_to"] || len(rec.Acks) != 1 ||
		rec.Acks[0].Message == "" || rec.Acks[0].Note != planted["medicine_session_alert_acks.note"] {
		t.Fatalf("the session does not read back: %+v", rec)
	}

	// Text the practice writes itself: the alert's message, a safety
	// flag's reason quoting the client's answer, and the ids of the
	// screening rules an intake fired (client B's benzodiazepine).
	written := map[string]string{"medicine_session_alert_acks.message": rec.Acks[0].Message}
	written["safety_flags.reason"] = flagReason
	var decision store.ScreeningDecision
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		decision, _, err = tx.LatestScreeningDecision(ctx, f.clinic.ID, f.courseOfB().ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(decision.Rules) == 0 || written["safety_flags.reason"] == "" {
		t.Fatalf("no rules fired (%v) or no flag raised (%q): the test would prove nothing", decision.Rules, written["safety_flags.reason"])
	}
	written["screening_decisions.rules"] = strings.Join(decision.Rules, ",")

	// The audit log's text: ids, counts and versions, nothing clinical.
	var entries []audit.Entry
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		entries, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.clinic.ID, Limit: 100000})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	clinical := []string{" mg", " kg", "128/82", "182/112", "181/110", alerts[0].Key, written["safety_flags.reason"]}
	clinical = append(clinical, decision.Rules...)
	for _, v := range planted {
		clinical = append(clinical, v)
	}
	for _, e := range entries {
		for _, c := range clinical {
			if strings.Contains(e.Detail, c) {
				t.Errorf("the audit entry %s %s says %q: it holds %q", e.Action, e.ResourceID, e.Detail, c)
			}
		}
	}

	// The bytes on disk: the database, its WAL, a backup, and the database
	// restored from that backup (sealing, not the backup's own encryption,
	// keeps them out of it).
	dir := cfg.DataDir
	var backup bytes.Buffer
	backupKey := seal.NewKey()
	if _, err := f.st.Backup(ctx, &backup, backupKey); err != nil {
		t.Fatal(err)
	}
	restored := t.TempDir()
	if _, err := store.Restore(ctx, bytes.NewReader(backup.Bytes()), restored, backupKey); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"backup": backup.Bytes()}
	for name, path := range map[string]string{
		"database": filepath.Join(dir, store.SQLiteFile), "WAL": filepath.Join(dir, store.SQLiteFile+"-wal"),
		"restored database": filepath.Join(restored, store.SQLiteFile),
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = data
	}
	if len(files["WAL"]) == 0 {
		t.Fatal("the WAL is empty: the test would prove nothing of it")
	}
	for column, v := range planted {
		written[column] = v
	}
	for name, data := range files {
		for column, v := range written {
			for _, part := range strings.Split(v, ",") {
				if bytes.Contains(data, []byte(part)) {
					t.Errorf("%s is readable in the %s: %q", column, name, part)
				}
			}
		}
	}
}
