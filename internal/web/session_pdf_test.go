package web

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// pdfText is the text of a PDF as pdftotext (poppler) reads it, in reading
// order. Where it is missing the test skips, saying why, as the browser
// tests do without Chromium; under CI=true that is a failure.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is not installed; CI must check the PDF's text")
		}
		t.Skip("pdftotext (poppler-utils) is not installed; the PDF's text cannot be checked")
	}
	in := filepath.Join(t.TempDir(), "record.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Layout mode pads columns with runs of spaces; one space is enough
	// to look for phrases.
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestSessionRecordPDF takes a session through the pages to the dose, then
// records the rest as the pages would (readings, the alert and its
// acknowledgement, an adverse event, discharge, signature, an addendum),
// and reads the PDF back.
func TestSessionRecordPDF(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	ctx := context.Background()
	dose := f.now
	rec := f.sessionRecord()
	m := rec.Session
	therapist, prescriber := f.users["assigned"].ID, f.users["prescriber"].ID
	at := func(min int) time.Time { return dose.Add(time.Duration(min) * time.Minute) }
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, r := range []struct{ min, sys, dia, hr, spo2 int }{{15, 152, 94, 88, 97}, {40, 186, 112, 96, 96}, {45, 184, 110, 94, 97}, {75, 142, 88, 80, 98}, {120, 128, 80, 74, 98}} {
			if err := tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: m.ClinicID, SessionID: m.ID, TakenAt: at(r.min),
				Vitals: session.Vitals{Systolic: r.sys, Diastolic: r.dia, HeartRate: r.hr, SpO2: r.spo2}, EnteredBy: therapist, EnteredAt: at(r.min)}); err != nil {
				return err
			}
		}
		sed := session.Sedation(4)
		if err := tx.AddSessionObservation(ctx, &store.SessionObservation{ClinicID: m.ClinicID, SessionID: m.ID, EnteredBy: therapist, EnteredAt: at(25),
			Observation: session.Observation{At: at(25), Sedation: &sed, Dissociation: "Says the room feels far away.", Note: "Breathing slow and even."}}); err != nil {
			return err
		}
		r, err := tx.SessionRecordOf(ctx, m.ClinicID, m.ID)
		if err != nil {
			return err
		}
		alerts := r.Alerts(session.DefaultAlertLimits())
		if len(alerts) != 1 {
			t.Fatalf("alerts: %+v", alerts)
		}
		if err := tx.AckSessionAlert(ctx, &store.SessionAlertAck{ClinicID: m.ClinicID, SessionID: m.ID, AlertKey: alerts[0].Key, Message: alerts[0].Message,
			Note: "Rechecked after 5 minutes; client calm, lights dimmed.", By: therapist, At: at(46)}); err != nil {
			return err
		}
		if err := tx.AddSessionAdverseEvent(ctx, &store.SessionAdverseEvent{ClinicID: m.ClinicID, SessionID: m.ID, EnteredBy: therapist, EnteredAt: at(31),
			AdverseEvent: session.AdverseEvent{At: at(30), Kind: session.Nausea, Description: "Brief queasiness.", Severity: session.Mild, Outcome: session.Resolved}}); err != nil {
			return err
		}
		if err := tx.DischargeMedicineSession(ctx, m.ClinicID, m.ID, store.SessionDischarge{At: at(125), ReleasedTo: "Jo Rivera", AlertOriented: true, By: therapist}); err != nil {
			return err
		}
		if err := tx.SignMedicineSession(ctx, m.ClinicID, m.ID, prescriber, at(130)); err != nil {
			return err
		}
		return tx.AddSessionAddendum(ctx, &store.SessionAddendum{ClinicID: m.ClinicID, SessionID: m.ID, Body: "Lot number checked against the log.",
			By: therapist, At: at(140)})
	})
	if err != nil {
		t.Fatal(err)
	}
	path := f.sessionURL() + "/record.pdf"
	// Nobody outside the care team may export it, and a session under
	// another client's path is as absent.
	if r := f.do("unassigned", "GET", path, nil); r.Code != http.StatusNotFound {
		t.Errorf("unassigned therapist: %d, want 404", r.Code)
	}
	if r := f.do("assigned", "GET", "/clients/"+f.clients["B"].ID+"/sessions/"+f.schedule.apptA+"/record.pdf", nil); r.Code != http.StatusNotFound {
		t.Errorf("another client's path: %d", r.Code)
	}
	if r := f.do("clientA", "GET", path, nil); r.Code == http.StatusOK {
		t.Errorf("the client: %d", r.Code)
	}
	f.wait(145 * time.Minute)

	// The session page links to it.
	if page := f.do("assigned", "GET", f.sessionURL(), nil).Body.String(); !strings.Contains(page, `href="`+path+`"`) {
		t.Error("the session page does not link to the record PDF")
	}
	got := f.do("assigned", "GET", path, nil)
	body := got.Body.Bytes()
	if got.Code != http.StatusOK || got.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("record PDF: %d %q", got.Code, got.Header().Get("Content-Type"))
	}
	if out := os.Getenv("DOORWAY_PDF_OUT"); out != "" {
		os.WriteFile(out, body, 0o644)
	}
	// The admin may export it too.
	if r := f.do("admin", "GET", path, nil); r.Code != http.StatusOK {
		t.Errorf("admin: %d", r.Code)
	}

	text := pdfText(t, body)
	loc := f.clinic.Location()
	for _, want := range []string{
		"Medicine session record",
		// 0.50 mg/kg × 80.0 kg = 40 mg, IM, against order version 1.
		"Version 1 0.50 mg/kg",
		"Intramuscular (ketamine)", "40 mg", "0.50 mg/kg at 80 kg, weighed today", "KX-2291",
		"Given " + timefmt.New(loc, "").DateTime(at(0)) + " by Staff assigned",
		"Companion Jo Rivera, (541) 555-0100", "To meet the grief with kindness.",
		"Pre-dose vital signs 128/82 mmHg, heart rate 72, SpO2 98%",
		"Override: Baseline measures GAD-7 done on paper last week.",
		"Music yes", "Staff present Staff assigned",
		"+40 min 186/112 96 96%",
		"Blood pressure at or above 180/110 on readings 5", "min apart: 186/112",
		"Rechecked", "client calm, lights dimmed.",
		"Nausea mild Brief queasiness. Resolved",
		"125 minutes after the dose (minimum 120)", "Released to Jo Rivera",
		"Signed by Staff prescriber",
		"4 Slow to respond", "Says the room feels far away.", "Breathing slow and",
		"Lot number checked against the log.",
		"Systolic (mmHg)", "minutes after the dose",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q", want)
		}
	}
	// The discharge advice is the instruction the page gives, word for word.
	if flat := strings.Join(strings.Fields(text), " "); !strings.Contains(flat, session.NoDrivingInstruction) {
		t.Errorf("the PDF does not give the discharge instruction %q", session.NoDrivingInstruction)
	}
	if strings.Contains(text, "NOT ACKNOWLEDGED") {
		t.Error("the acknowledged alert reads as open")
	}
}
