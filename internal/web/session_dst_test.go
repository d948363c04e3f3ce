package web

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// TestRecordTimesAcrossDaylightSaving: a medicine session given at 01:20 on
// the night the clinic's clocks go back (2 a.m. PDT becomes 1 a.m. PST) has
// readings on both sides of the change. The signed record's page and its
// PDF give every time alike, in the clinic's local time, with one date
// format and one clock: the readings, the dose, the alert's message beside
// them and its acknowledgement. No time shows in UTC.
func TestRecordTimesAcrossDaylightSaving(t *testing.T) {
	f := readyFixtureOnAt(t, sqliteConfig(t), storetest.At("2026-11-01 01:20"))
	f.dosed(t)
	ctx := context.Background()
	dose := f.now
	m := f.sessionRecord().Session
	therapist, prescriber := f.users["assigned"].ID, f.users["prescriber"].ID
	at := func(min int) time.Time { return dose.Add(time.Duration(min) * time.Minute) }
	readings := []struct{ min, sys, dia int }{{15, 152, 94}, {45, 186, 112}, {50, 184, 110}, {75, 142, 88}, {130, 128, 80}}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, r := range readings {
			if err := tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: m.ClinicID, SessionID: m.ID, TakenAt: at(r.min),
				Vitals: session.Vitals{Systolic: r.sys, Diastolic: r.dia, HeartRate: 80, SpO2: 97}, EnteredBy: therapist, EnteredAt: at(r.min)}); err != nil {
				return err
			}
		}
		rec, err := tx.SessionRecordOf(ctx, m.ClinicID, m.ID)
		if err != nil {
			return err
		}
		alerts := rec.AlertsIn(session.DefaultAlertLimits(), timefmt.New(f.clinic.Location(), timefmt.Clock24))
		if len(alerts) != 1 {
			t.Fatalf("alerts: %+v", alerts)
		}
		if err := tx.AckSessionAlert(ctx, &store.SessionAlertAck{ClinicID: m.ClinicID, SessionID: m.ID, AlertKey: alerts[0].Key, Message: alerts[0].Message,
			Note: "Rechecked; calm.", By: therapist, At: at(52)}); err != nil {
			return err
		}
		if err := tx.DischargeMedicineSession(ctx, m.ClinicID, m.ID, store.SessionDischarge{At: at(135), ReleasedTo: "Jo Rivera", AlertOriented: true, By: therapist}); err != nil {
			return err
		}
		return tx.SignMedicineSession(ctx, m.ClinicID, m.ID, prescriber, at(140))
	})
	if err != nil {
		t.Fatal(err)
	}
	f.wait(145 * time.Minute)

	page := pageText(f.do("assigned", "GET", f.sessionURL(), nil).Body.String())
	pdf := pdfText(t, f.do("assigned", "GET", f.sessionURL()+"/record.pdf", nil).Body.Bytes())

	tf := timefmt.New(f.clinic.Location(), "")
	// The clocks went back between the first reading and the second: 01:35
	// PDT comes before 01:05 PST.
	if first, second := tf.Time(at(15)), tf.Time(at(45)); first != "01:35" || second != "01:05" {
		t.Fatalf("the readings fall at %s and %s; the test wants them either side of the change", first, second)
	}
	want := []string{tf.DateTime(at(0)), "186/112 at " + tf.Time(at(45)) + ", 184/110 at " + tf.Time(at(50)), "Rechecked; calm."}
	for _, r := range readings {
		want = append(want, tf.Time(at(r.min))+" ")
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the record's page does not say %q:\n%s", w, page)
		}
		if !strings.Contains(pdf, w) {
			t.Errorf("the record's PDF does not say %q:\n%s", w, pdf)
		}
	}
	// Neither shows a reading's time in UTC.
	for _, r := range readings {
		utc := at(r.min).UTC().Format("15:04")
		if strings.Contains(page, utc+" ") || strings.Contains(pdf, utc+" ") {
			t.Errorf("a reading's time shows in UTC (%s)", utc)
		}
	}
	// The signed record is not a draft; it numbers its pages.
	if strings.Contains(pdf, "DRAFT") || !strings.Contains(pdf, "page 1 of ") {
		t.Errorf("the signed record's PDF reads as a draft, or does not number its pages \"page n of N\":\n%s", pdf)
	}
	// The page and the PDF list the readings' times in the same order.
	if p, d := clockTimes(page, readings[0].min, at, tf), clockTimes(pdf, readings[0].min, at, tf); p != d {
		t.Errorf("the page's times run %s, the PDF's %s", p, d)
	}
}

var tags = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]+>`)

// pageText is an HTML page's text, with runs of space as one.
func pageText(body string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(body, " "))), " ")
}

// clockTimes is the order in which the readings' times of day first appear
// in text after the first reading.
func clockTimes(text string, from int, at func(int) time.Time, tf timefmt.Format) string {
	i := strings.Index(text, tf.Time(at(from))+" ")
	if i < 0 {
		return ""
	}
	return strings.Join(regexp.MustCompile(`\b\d\d:\d\d\b`).FindAllString(text[i:], 5), " ")
}
