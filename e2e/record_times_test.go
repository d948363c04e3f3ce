package e2e

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"doorway/internal/demo"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// TestRecordTimesMatchItsPDF: the clinic reads a 12-hour clock. Sam opens
// Daniel's signed record with the blood-pressure alert he acknowledged, in
// the browser: every reading's time and the alert's message and
// acknowledgement are on the clinic's clock, and the record's PDF, as the
// browser downloads it, gives each of them exactly as the page does. No time
// on either is in UTC or on the other clock.
func TestRecordTimesMatchItsPDF(t *testing.T) {
	srv := ownSQLiteServer(t)
	ctx := context.Background()
	if err := srv.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := tx.ClinicByRef(ctx, demo.ShortName)
		if err != nil {
			return err
		}
		alex, err := tx.UserByEmail(ctx, srv.login(t, "Alex").Email)
		if err != nil {
			return err
		}
		return tx.SetClinicSetting(ctx, c.ID, store.SettingClock, timefmt.Clock12, alex.ID, srv.Now())
	}); err != nil {
		t.Fatal(err)
	}
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := sam.chartOf("Daniel Brooks")
	sam.open(chart + "/course")
	records := run(sam, "record links", chromedp.Evaluate[[]string](`[...document.querySelectorAll('section[aria-labelledby="records-h"] a')].map(a => a.href)`))
	var acks []string
	for _, r := range records {
		sam.open(r)
		acks = run(sam, "acknowledgements", chromedp.Evaluate[[]string](`[...document.querySelectorAll('li.ack-row')].map(li => li.innerText).filter(t => t.includes('Acknowledged by'))`))
		if len(acks) > 0 {
			break
		}
	}
	if len(acks) != 1 {
		t.Fatalf("none of Daniel's %d records has the one acknowledged alert (%v)", len(records), acks)
	}
	times := run(sam, "reading times", chromedp.Evaluate[[]string](`[...document.querySelectorAll('[aria-label="Vital signs"] tbody tr td:first-child')].map(td => td.innerText.trim())`))
	if len(times) < 5 {
		t.Fatalf("the record shows %d readings: %v", len(times), times)
	}
	twelve := regexp.MustCompile(`\b([1-9]|1[0-2]):[0-5][0-9] [AP]M\b`)
	// A time on the 24-hour clock: what is left of "13:05" or "09:30"
	// once the 12-hour times are taken out.
	twentyFourRe := regexp.MustCompile(`\b([01]?[0-9]|2[0-3]):[0-5][0-9]\b`)
	twentyFour := func(s string) string { return twentyFourRe.FindString(twelve.ReplaceAllString(s, "")) }
	for _, at := range times {
		if !twelve.MatchString(at) {
			t.Errorf("a reading's time %q is not on the clinic's 12-hour clock", at)
		}
	}
	ack := strings.Join(strings.Fields(acks[0]), " ")
	if n := len(twelve.FindAllString(ack, -1)); n < 3 || twentyFour(ack) != "" {
		t.Errorf("the acknowledged alert is not on the 12-hour clock alone (%d times): %q", n, ack)
	}

	doc := strings.Join(strings.Fields(pdfText(t, sam.download(`a[href$="/record.pdf"]`))), " ")
	for _, at := range times {
		if !strings.Contains(doc, at) {
			t.Errorf("the PDF does not give the reading at %q as the page does", at)
		}
	}
	// The alert's message, the part in bold on the page, reads the same. The
	// PDF sets it in a table cell beside the acknowledgement, and the text
	// read back from a PDF gives a wrapped cell's lines between its
	// neighbour's: the message's words must come in order, not side by side.
	message := strings.SplitN(strings.TrimSpace(acks[0]), "\n", 2)[0]
	if !inOrder(strings.Fields(doc), strings.Fields(message)) {
		t.Errorf("the PDF does not give the alert as the page does: %q", message)
	}
	if page := sam.bodyText(); strings.Contains(page, "UTC") || twentyFour(page) != "" {
		t.Errorf("the page shows a time in UTC or on the 24-hour clock: %q", twentyFour(page))
	}
	// In the PDF, a time's "AM" may likewise be a few words on, across a
	// cell's wrapped line.
	words := strings.Fields(doc)
	for i, w := range words {
		if !twentyFourRe.MatchString(w) || twelve.MatchString(strings.Join(words[i:min(i+2, len(words))], " ")) {
			continue
		}
		if !slices.ContainsFunc(words[i+1:min(i+16, len(words))], func(s string) bool { return strings.HasPrefix(s, "AM") || strings.HasPrefix(s, "PM") }) {
			t.Errorf("the PDF shows a time on the 24-hour clock: %q", strings.Join(words[max(0, i-5):min(i+6, len(words))], " "))
		}
	}
	if strings.Contains(doc, "UTC") {
		t.Error("the PDF shows a time in UTC")
	}
}

// inOrder reports whether want's words all occur in words, in order.
func inOrder(words, want []string) bool {
	for _, w := range words {
		if len(want) > 0 && w == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}
