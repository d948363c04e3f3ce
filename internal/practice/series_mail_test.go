package practice_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"doorway/internal/access"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// visitor is someone at the public pages, signed in as no one.
func (p *mailPractice) visitor(ip string) practice.Actor {
	a := practice.NewActor(access.Principal{Kind: access.Anonymous}, "", store.Clinic{}, "req-visitor", ip, practice.Pages)
	a.BaseURL = mailBase
	return a
}

// seriesOutbox is the outbox's messages of the series.
func (p *mailPractice) seriesOutbox() []store.OutboxMessage {
	var out []store.OutboxMessage
	for _, m := range p.outbox() {
		if strings.HasPrefix(m.Kind, "mail.series") {
			out = append(out, m)
		}
	}
	return out
}

var linkPattern = regexp.MustCompile(`https://doorway\.test/series/(confirm|unsubscribe)/([A-Za-z0-9.]+)`)

// seriesLink finds a series link of a kind in an e-mail's text.
func seriesLink(t *testing.T, text, kind string) string {
	t.Helper()
	for _, m := range linkPattern.FindAllStringSubmatch(text, -1) {
		if m[1] == kind {
			return m[2]
		}
	}
	t.Fatalf("no %s link in:\n%s", kind, text)
	return ""
}

// TestSeriesDoubleOptIn: an address given on the form gets one e-mail, to
// confirm, and nothing else until it is confirmed; asking again sends
// nothing more. Confirming sends the first article at once, with the
// unsubscribe link and RFC 8058's headers; the second comes a week later.
// Unsubscribing (the link's token, as a mail reader's one-click POST
// sends it) forgets the address and cancels the eight still to come.
func TestSeriesDoubleOptIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		ctx := context.Background()
		in := practice.SeriesSignup{Email: "Reader@Example.org"}
		for range 2 {
			if _, err := p.app.SubscribeToSeries(ctx, p.visitor("198.51.100.7"), in); err != nil {
				t.Fatal(err)
			}
		}
		p.runDue()
		p.advance(24 * time.Hour)
		msgs := p.sent()
		if len(msgs) != 1 {
			t.Fatalf("%d messages before confirming, want the confirmation alone", len(msgs))
		}
		conf := readLetter(t, msgs[0])
		if conf.To != "reader@example.org" || !strings.HasPrefix(conf.Subject, "Please confirm") {
			t.Errorf("confirmation %q to %s", conf.Subject, conf.To)
		}
		token := seriesLink(t, conf.Text, "confirm")
		if _, err := p.app.ConfirmSeries(ctx, p.visitor("198.51.100.7"), token+"x"); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("a forged confirmation: %v", err)
		}
		l, err := p.app.ConfirmSeries(ctx, p.visitor("198.51.100.7"), token)
		if err != nil || l.Done || l.Clinic.ID != p.Clinic.ID {
			t.Fatalf("confirm: %+v %v", l, err)
		}
		if again, err := p.app.ConfirmSeries(ctx, p.visitor("198.51.100.7"), token); err != nil || !again.Done {
			t.Errorf("confirming twice: %+v %v", again, err)
		}
		p.runDue()
		msgs = p.sent()
		if len(msgs) != 2 {
			t.Fatalf("%d messages after confirming, want the first article", len(msgs))
		}
		first := readLetter(t, msgs[1])
		unsub := seriesLink(t, first.Text, "unsubscribe")
		if !strings.HasPrefix(first.Subject, "1 of 10: ") || first.Header.Get("List-Unsubscribe") != "<"+mailBase+"/series/unsubscribe/"+unsub+">" ||
			first.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(first.HTML, "<h2") {
			t.Errorf("the first article %q, headers %v", first.Subject, first.Header)
		}
		p.advance(7 * 24 * time.Hour)
		if msgs = p.sent(); len(msgs) != 3 || !strings.HasPrefix(readLetter(t, msgs[2]).Subject, "2 of 10: ") {
			t.Fatalf("%d messages a week later, want the second article", len(msgs))
		}
		if _, err := p.app.UnsubscribeFromSeries(ctx, p.visitor("203.0.113.9"), unsub); err != nil {
			t.Fatal(err)
		}
		if l, err := p.app.UnsubscribeFromSeries(ctx, p.visitor("203.0.113.9"), unsub); err != nil || !l.Done {
			t.Errorf("unsubscribing twice: %+v %v", l, err)
		}
		cancelled := 0
		for n := 3; n <= 10; n++ {
			if j := p.job(fmt.Sprintf("series:chapter:%s:%d", strings.SplitN(unsub, ".", 2)[0], n)); j.CancelledAt != nil {
				cancelled++
			}
		}
		p.advance(60 * 24 * time.Hour)
		if n := len(p.sent()); n != 3 || cancelled != 8 {
			t.Errorf("%d messages after unsubscribing (want 3), %d of chapters 3 to 10 cancelled", n, cancelled)
		}
		var readers int
		st.Read(ctx, func(tx *store.Tx) (err error) { readers, err = tx.SeriesReaderCount(ctx, p.Clinic.ID); return err })
		if readers != 0 {
			t.Errorf("%d readers left", readers)
		}
	})
}

// TestSeriesUnconfirmedIsForgotten: an address never confirmed gets the
// one e-mail; two days on, its link no longer works, and the hourly sweep
// has forgotten the address.
func TestSeriesUnconfirmedIsForgotten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		ctx := context.Background()
		if _, err := p.app.SubscribeToSeries(ctx, p.visitor("198.51.100.7"), practice.SeriesSignup{Email: "late@example.org"}); err != nil {
			t.Fatal(err)
		}
		if err := p.app.StartScheduledWork(ctx); err != nil {
			t.Fatal(err)
		}
		p.runDue()
		var token string
		for _, m := range p.sent() {
			if l := readLetter(t, m); l.To == "late@example.org" {
				token = seriesLink(t, l.Text, "confirm")
			}
		}
		for h := 0; h < 49; h++ {
			p.advance(time.Hour)
		}
		if _, err := p.app.SeriesConfirmation(ctx, token); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("a two-day-old link: %v", err)
		}
		err := st.Read(ctx, func(tx *store.Tx) error { _, err := tx.SeriesReader(ctx, strings.SplitN(token, ".", 2)[0]); return err })
		if problem.CodeOf(err) != problem.NotFound {
			t.Errorf("the unconfirmed address is still kept: %v", err)
		}
		if len(p.seriesOutbox()) != 1 {
			t.Errorf("more than the confirmation went")
		}
	})
}

// TestSeriesLinksWithheldFromTheOutbox: without SMTP the confirmation is
// recorded with its words but not its link's token, so reading the outbox
// does not let anyone confirm for the reader.
func TestSeriesLinksWithheldFromTheOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, false)
		ctx := context.Background()
		if _, err := p.app.SubscribeToSeries(ctx, p.visitor("198.51.100.7"), practice.SeriesSignup{Email: "quiet@example.org"}); err != nil {
			t.Fatal(err)
		}
		p.runDue()
		out := p.seriesOutbox()
		if len(out) != 1 || !strings.Contains(out[0].Text, mailBase+"/series/confirm/(withheld)") || linkPattern.MatchString(out[0].Text+out[0].HTML) {
			t.Errorf("the recorded confirmation: %+v", out)
		}
	})
}

// TestSeriesSignupLimits: the form refuses an address that is not one,
// and a sixth sign-up from one connection within the hour.
func TestSeriesSignupLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, false)
		ctx := context.Background()
		if _, err := p.app.SubscribeToSeries(ctx, p.visitor("198.51.100.7"), practice.SeriesSignup{Email: "not an address"}); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("a bad address: %v", err)
		}
		var last error
		for i := range 6 {
			_, last = p.app.SubscribeToSeries(ctx, p.visitor("198.51.100.7"), practice.SeriesSignup{Email: string(rune('a'+i)) + "@example.org"})
		}
		if problem.CodeOf(last) != problem.TooMany {
			t.Errorf("the sixth sign-up in an hour: %v", last)
		}
		if _, err := p.app.SubscribeToSeries(ctx, p.visitor("198.51.100.8"), practice.SeriesSignup{Email: "z@example.org"}); err != nil {
			t.Errorf("another connection: %v", err)
		}
	})
}
