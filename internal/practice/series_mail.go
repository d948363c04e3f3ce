package practice

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/mail"
	"doorway/internal/markdown"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/workbook"
)

// The article series by e-mail, for readers who ask for it: one article a
// week, ten in all, each with its chapter of the Reflection Workbook.
//
// A reader is not a client, so Doorway keeps nothing of them but the
// address (sealed, and found by a keyed hash) and when they asked and
// confirmed. Nothing is sent before they confirm (double opt-in): the form
// queues one e-mail with a link that works for two days, and an address
// not confirmed by then is forgotten. Confirming queues the ten articles a
// week apart. Every article carries an unsubscribe link and the headers of
// RFC 2369 and RFC 8058, so a mail reader's "unsubscribe" button works in
// one click; unsubscribing deletes the address and cancels what was still
// to come. Both links are signed with a key derived from the master key,
// so every instance checks them and none needs a table of tokens; the
// confirmation link carries its expiry under the signature.
//
// Both links open a page with a button rather than acting on GET, which
// never changes anything here, and which mail scanners fetch on their own;
// the unsubscribe address also answers the one-click POST of RFC 8058.

const (
	// seriesConfirmFor is how long a confirmation link works, and how long
	// an unconfirmed address is kept.
	seriesConfirmFor = 48 * time.Hour
	// seriesEvery is the time between two articles.
	seriesEvery = 7 * 24 * time.Hour
	// seriesSignupsPerHour is how many sign-ups one address may send in an
	// hour; counted in the database, so the limit holds across instances.
	seriesSignupsPerHour = 5
)

// seriesKey signs the series' links and hashes its addresses.
func (s *Service) seriesKey() []byte {
	if k, err := s.st.PurposeKey("article series by e-mail"); err == nil {
		return k
	}
	return s.formKey()
}

func (s *Service) seriesMAC(parts ...string) string {
	m := hmac.New(sha256.New, s.seriesKey())
	m.Write([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// readerHash finds a clinic's reader of an address without the address.
func (s *Service) readerHash(clinicID, email string) string {
	return s.seriesMAC("address", clinicID, store.NormalizeEmail(email))
}

// confirmToken is the confirmation link's token: the reader, the expiry,
// signed.
func (s *Service) confirmToken(readerID string, expires time.Time) string {
	exp := strconv.FormatInt(expires.Unix(), 10)
	return readerID + "." + exp + "." + s.seriesMAC("confirm", readerID, exp)
}

// unsubscribeToken is the unsubscribe link's token: the reader, signed; it
// does not expire.
func (s *Service) unsubscribeToken(readerID string) string {
	return readerID + "." + s.seriesMAC("unsubscribe", readerID)
}

// errDeadSeriesLink is every series link that does not work.
var errDeadSeriesLink = problem.New(problem.NotFound, "This link has expired or is not one of ours. You can ask for the series again.")

// readConfirmToken checks a confirmation token and says whose it is.
func (s *Service) readConfirmToken(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !auth.ValidID(parts[0]) {
		return "", errDeadSeriesLink
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !hmac.Equal([]byte(s.confirmToken(parts[0], time.Unix(exp, 0))), []byte(token)) || s.Now().After(time.Unix(exp, 0)) {
		return "", errDeadSeriesLink
	}
	return parts[0], nil
}

// readUnsubscribeToken checks an unsubscribe token and says whose it is.
func (s *Service) readUnsubscribeToken(token string) (string, error) {
	id, _, ok := strings.Cut(token, ".")
	if !ok || !auth.ValidID(id) || !hmac.Equal([]byte(s.unsubscribeToken(id)), []byte(token)) {
		return "", errDeadSeriesLink
	}
	return id, nil
}

// SeriesSignup is the public form as sent.
type SeriesSignup struct {
	ClinicRef string // the clinic's short name; "" for the first
	Email     string
	// Honeypot is a field people never see or fill.
	Honeypot string
}

// SubscribeToSeries asks for the series for an address: a confirmation
// e-mail is queued, unless the address is already a reader (or waiting to
// confirm), which the answer does not tell, so the form says nothing of
// who reads what. It returns the clinic, for the page that says what
// happens next.
func (s *Service) SubscribeToSeries(ctx context.Context, a Actor, in SeriesSignup) (store.Clinic, error) {
	email := store.NormalizeEmail(in.Email)
	if err := store.ValidateEmail(email); err != nil {
		return store.Clinic{}, problem.Invalidf("email", "Please enter an email address such as name@example.org.")
	}
	now := s.Now()
	var clinic store.Clinic
	var refused error
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		// The inquiry form's counter, under a name of the series' own, so
		// the two forms have a limit each.
		counter := "series|" + a.IP
		recent, err := tx.InquiryAttempts(ctx, counter, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if err := tx.RecordInquiryAttempt(ctx, auth.NewID(), counter, now); err != nil {
			return err
		}
		if recent >= seriesSignupsPerHour {
			refused = problem.New(problem.TooMany, "Several sign-ups have come from this connection in the last hour. Please try again later.")
			return nil
		}
		pc, err := publicClinic(ctx, tx, in.ClinicRef)
		if err != nil {
			return err
		}
		clinic = pc.Clinic
		if in.Honeypot != "" {
			return s.appendTx(ctx, tx, a, audit.Entry{Action: "series.spam", ClinicID: clinic.ID, Outcome: audit.Denied,
				Detail: "caught by the spam check"})
		}
		r := store.SeriesReader{ID: auth.NewID(), ClinicID: clinic.ID, Email: email, CreatedAt: now}
		added, err := tx.AddSeriesReader(ctx, r, s.readerHash(clinic.ID, email))
		if err != nil || !added {
			return err
		}
		if err := s.queue(ctx, tx, clinic.ID, KindSeriesConfirm, "series:confirm:"+r.ID, mailJob{Reader: r.ID}, now); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "series.subscribe", ClinicID: clinic.ID, ResourceType: "series_reader", ResourceID: r.ID})
	})
	if err != nil {
		return store.Clinic{}, err
	}
	return clinic, refused
}

// SeriesLink is what a series link's page shows: the clinic, and whether
// the link still has something to do.
type SeriesLink struct {
	Clinic store.Clinic
	// Done is true when there is nothing left to do: already confirmed, or
	// already unsubscribed.
	Done bool
}

// SeriesConfirmation reads a confirmation link for its page.
func (s *Service) SeriesConfirmation(ctx context.Context, token string) (SeriesLink, error) {
	id, err := s.readConfirmToken(token)
	if err != nil {
		return SeriesLink{}, err
	}
	var out SeriesLink
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.SeriesReader(ctx, id)
		if err != nil {
			return errDeadSeriesLink
		}
		out.Done = r.ConfirmedAt != nil
		out.Clinic, err = tx.Clinic(ctx, r.ClinicID)
		return err
	})
	return out, err
}

// ConfirmSeries confirms the address a link was sent to and queues the ten
// articles, the first at once and each next a week later.
func (s *Service) ConfirmSeries(ctx context.Context, a Actor, token string) (SeriesLink, error) {
	id, err := s.readConfirmToken(token)
	if err != nil {
		return SeriesLink{}, err
	}
	now := s.Now()
	var out SeriesLink
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.SeriesReader(ctx, id)
		if err != nil {
			return errDeadSeriesLink
		}
		if out.Clinic, err = tx.Clinic(ctx, r.ClinicID); err != nil {
			return err
		}
		confirmed, err := tx.ConfirmSeriesReader(ctx, r.ID, now)
		if err != nil || !confirmed {
			out.Done = true
			return err
		}
		for i, art := range workbook.Articles() {
			p := mailJob{Reader: r.ID, Chapter: art.Number}
			key := fmt.Sprintf("series:chapter:%s:%d", r.ID, art.Number)
			if err := s.queue(ctx, tx, r.ClinicID, KindSeriesChapter, key, p, now.Add(time.Duration(i)*seriesEvery)); err != nil {
				return err
			}
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "series.confirm", ClinicID: r.ClinicID, ResourceType: "series_reader", ResourceID: r.ID})
	})
	return out, err
}

// SeriesUnsubscription reads an unsubscribe link for its page.
func (s *Service) SeriesUnsubscription(ctx context.Context, token string) (SeriesLink, error) {
	id, err := s.readUnsubscribeToken(token)
	if err != nil {
		return SeriesLink{}, err
	}
	var out SeriesLink
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.SeriesReader(ctx, id)
		if problem.CodeOf(err) == problem.NotFound {
			out.Done = true
			return nil
		}
		if err != nil {
			return err
		}
		out.Clinic, err = tx.Clinic(ctx, r.ClinicID)
		return err
	})
	return out, err
}

// UnsubscribeFromSeries forgets the address an unsubscribe link was sent
// to and cancels every article still to come. A second time does nothing
// and answers the same.
func (s *Service) UnsubscribeFromSeries(ctx context.Context, a Actor, token string) (SeriesLink, error) {
	id, err := s.readUnsubscribeToken(token)
	if err != nil {
		return SeriesLink{}, err
	}
	now := s.Now()
	out := SeriesLink{Done: true}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.SeriesReader(ctx, id)
		if problem.CodeOf(err) == problem.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if out.Clinic, err = tx.Clinic(ctx, r.ClinicID); err != nil {
			return err
		}
		keys := []string{"series:confirm:" + r.ID}
		for _, art := range workbook.Articles() {
			keys = append(keys, fmt.Sprintf("series:chapter:%s:%d", r.ID, art.Number))
		}
		for _, k := range keys {
			if _, err := tx.CancelJob(ctx, k, now); err != nil {
				return err
			}
		}
		if _, err := tx.DeleteSeriesReader(ctx, r.ID); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "series.unsubscribe", ClinicID: r.ClinicID, ResourceType: "series_reader", ResourceID: r.ID})
	})
	return out, err
}

// loadReader reads a job's reader and their clinic; ok is false when the
// reader has gone.
func (s *Service) loadReader(ctx context.Context, p mailJob) (r store.SeriesReader, clinic store.Clinic, ok bool, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		if r, err = tx.SeriesReader(ctx, p.Reader); err != nil {
			return err
		}
		clinic, err = tx.Clinic(ctx, r.ClinicID)
		return err
	})
	if problem.CodeOf(err) == problem.NotFound {
		return r, clinic, false, nil
	}
	return r, clinic, err == nil, err
}

// sendSeriesConfirm sends the link that confirms an address.
func (s *Service) sendSeriesConfirm(ctx context.Context, j store.Job) error {
	p, err := payloadOf(j)
	if err != nil {
		return err
	}
	r, clinic, ok, err := s.loadReader(ctx, p)
	switch {
	case err != nil:
		return err
	case !ok:
		return s.skip(j, "the address has been forgotten")
	case r.ConfirmedAt != nil:
		return s.skip(j, "the address is confirmed already")
	}
	token := s.confirmToken(r.ID, r.CreatedAt.Add(seriesConfirmFor))
	o := outgoing{Clinic: clinic, ReaderID: r.ID, To: r.Email, Subject: "Please confirm: the article series from " + clinic.Name,
		Secrets: []string{token}}
	l := &o.Letter
	l.para("Someone, we hope you, asked for the article series on ketamine-assisted psychotherapy from " + clinic.Name +
		" by e-mail: ten short articles, one a week, each with a chapter of the free Reflection Workbook.")
	l.link("Yes, send me the series", s.baseURL()+"/series/confirm/"+token)
	l.para("The link works for two days. If you did not ask for this, do nothing: nothing more will come, and this address will be forgotten.")
	return s.deliver(ctx, j, o)
}

// sendSeriesChapter sends one article of the series to a confirmed reader.
func (s *Service) sendSeriesChapter(ctx context.Context, j store.Job) error {
	p, err := payloadOf(j)
	if err != nil {
		return err
	}
	r, clinic, ok, err := s.loadReader(ctx, p)
	switch {
	case err != nil:
		return err
	case !ok:
		return s.skip(j, "the reader has unsubscribed")
	case r.ConfirmedAt == nil:
		return s.skip(j, "the address is not confirmed")
	}
	var art workbook.Article
	for _, a := range workbook.Articles() {
		if a.Number == p.Chapter {
			art = a
		}
	}
	if art.Number == 0 {
		return s.skip(j, "there is no such article")
	}
	token := s.unsubscribeToken(r.ID)
	unsub := s.baseURL() + "/series/unsubscribe/" + token
	o := outgoing{Clinic: clinic, ReaderID: r.ID, To: r.Email, Subject: fmt.Sprintf("%d of %d: %s", art.Number, len(workbook.Articles()), art.Title),
		Headers: []mail.Header{{Name: "List-Unsubscribe", Value: "<" + unsub + ">"}, {Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"}},
		Secrets: []string{token}}
	l := &o.Letter
	l.para(art.Description)
	var items []string
	flush := func() {
		l.list(items...)
		items = nil
	}
	for _, b := range markdown.Blocks(art.Body) {
		switch b.Kind {
		case markdown.Bullet, markdown.Numbered:
			items = append(items, b.Text)
			continue
		}
		flush()
		if b.Kind == markdown.Heading {
			l.heading(b.Text)
		} else {
			l.para(b.Text)
		}
	}
	flush()
	l.link(fmt.Sprintf("Chapter %d of the Reflection Workbook goes with this article", art.Number), s.baseURL()+"/workbook")
	l.para("Nothing here is medical advice. Only a conversation with a qualified care team can say whether KAP is right for you.")
	l.small("You receive this because you asked "+clinic.Name+" for the article series by e-mail. Unsubscribe with one click:", unsub)
	return s.deliver(ctx, j, o)
}
