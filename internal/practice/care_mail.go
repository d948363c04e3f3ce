package practice

import (
	"context"
	"fmt"

	"doorway/internal/integration"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// The e-mails that follow a client's care: a questionnaire fallen due, and
// the reflection prompts that open after a medicine session. The hourly
// sweep queues them (reminders_sweep.go); each is checked again when it
// goes: a questionnaire answered, or a prompt written, since is not
// mentioned.

func measureKey(clientID, instrument, due string) string {
	return "reminder:measure:" + clientID + ":" + instrument + ":" + due
}

func promptKey(sessionID, set, userID string) string {
	return "reminder:prompt:" + sessionID + ":" + set + ":" + userID
}

// dueID names one thing due: its assignment, or its scheduled occasion.
func dueID(d Due) string {
	if d.AssignmentID != "" {
		return d.AssignmentID
	}
	return d.Key()
}

// clientLetter is what an e-mail about a client's own care is written
// from.
type clientLetter struct {
	Clinic store.Clinic
	Client store.Client
	To     recipient
}

// loadClientLetter reads the client and their account, and then calls
// more in the same snapshot for what the message is about; ok is false
// when there is no one to write to.
func (s *Service) loadClientLetter(ctx context.Context, j store.Job, p mailJob, more func(tx *store.Tx, cl clientLetter) error) (cl clientLetter, ok bool, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		if cl.Clinic, err = tx.Clinic(ctx, j.ClinicID); err != nil {
			return err
		}
		if cl.Client, err = tx.Client(ctx, j.ClinicID, p.Client); err != nil {
			return err
		}
		if cl.Client.UserID != p.User {
			return nil // the account is no longer theirs
		}
		if cl.To, ok, err = recipientFor(ctx, tx, j.ClinicID, p.User); err != nil || !ok {
			return err
		}
		return more(tx, cl)
	})
	if problem.CodeOf(err) == problem.NotFound {
		return cl, false, nil
	}
	return cl, ok && err == nil, err
}

// sendMeasureDue tells a client their questionnaires are ready, if the
// one it was queued for is still due and they want to hear of it. The
// sweep queues one job per questionnaire, so each is told of once; the
// first to go names every questionnaire due now and cancels the jobs of
// the others, so a client with three due gets one e-mail, not three.
func (s *Service) sendMeasureDue(ctx context.Context, j store.Job) error {
	p, err := payloadOf(j)
	if err != nil {
		return err
	}
	var due []Due
	mine := false
	cl, ok, err := s.loadClientLetter(ctx, j, p, func(tx *store.Tx, cl clientLetter) error {
		st, err := settingsOf(ctx, tx, cl.Clinic)
		if err != nil {
			return err
		}
		cm, err := clientMeasures(ctx, tx, cl.Clinic, cl.Client.ID, s.Now())
		if err != nil {
			return err
		}
		due = st.DueNow(cm, s.Now())
		for _, d := range due {
			mine = mine || d.Instrument.ID == p.Instrument && dueID(d) == p.Due
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !ok:
		return s.skip(j, "the client or their account has gone")
	case !mine:
		return s.skip(j, "the questionnaire is no longer due")
	case !cl.To.Prefs.Measures:
		return s.skip(j, "questionnaire e-mails are off")
	}
	o := outgoing{Clinic: cl.Clinic, UserID: cl.To.User.ID, To: cl.To.User.Email, ClientID: cl.Client.ID,
		Subject: "A questionnaire is ready for you"}
	if len(due) > 1 {
		o.Subject = "Questionnaires are ready for you"
	}
	l := &o.Letter
	l.para("Hello " + clientFirstName(cl.Client) + ",")
	href := s.baseURL() + "/portal"
	switch {
	case cl.To.Prefs.Details:
		l.para("Your care team at " + cl.Clinic.Name + " asks you to complete:")
		var items []string
		for _, d := range due {
			items = append(items, d.Instrument.Title+" ("+d.Reason+")")
		}
		l.list(items...)
		l.para("Each takes a few minutes, and helps your care team see how things are going for you.")
		if len(due) == 1 {
			href += "/measures/" + due[0].Instrument.ID
		}
	case len(due) > 1:
		l.para(fmt.Sprintf("Your care team at %s asks you to complete %d short questionnaires. Each takes a few minutes.", cl.Clinic.Name, len(due)))
	default:
		l.para("Your care team at " + cl.Clinic.Name + " asks you to complete a short questionnaire. It takes a few minutes.")
	}
	l.link("Answer in your portal", href)
	l.small("You receive this because e-mails about questionnaires are on. To change what Doorway e-mails you:", s.settingsLink(true))
	if err := s.deliver(ctx, j, o); err != nil {
		return err
	}
	// The others named here need no e-mail of their own.
	return s.st.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		for _, d := range due {
			if key := measureKey(cl.Client.ID, d.Instrument.ID, dueID(d)); key != j.Key {
				if _, err := tx.CancelJob(ctx, key, s.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// sendPromptOpen tells a client reflection prompts are open in their
// journal, if the set it was queued for is still open and unanswered. As
// with questionnaires, the first to go names every set open now and
// cancels the jobs of the others.
func (s *Service) sendPromptOpen(ctx context.Context, j store.Job) error {
	p, err := payloadOf(j)
	if err != nil {
		return err
	}
	var opens []integration.Open
	mine := false
	cl, ok, err := s.loadClientLetter(ctx, j, p, func(tx *store.Tx, cl clientLetter) error {
		answered, err := tx.AnsweredPrompts(ctx, cl.Clinic.ID, cl.Client.ID)
		if err != nil {
			return err
		}
		opens, err = promptsOpenAt(ctx, tx, cl.Client, answered, s.Now(), cl.Clinic.Location())
		for _, o := range opens {
			mine = mine || o.SessionID == p.Session && o.Set.Key == p.Set
		}
		return err
	})
	switch {
	case err != nil:
		return err
	case !ok:
		return s.skip(j, "the client or their account has gone")
	case !mine:
		return s.skip(j, "the prompts are answered or closed")
	case !cl.To.Prefs.Prompts:
		return s.skip(j, "prompt e-mails are off")
	}
	o := outgoing{Clinic: cl.Clinic, UserID: cl.To.User.ID, To: cl.To.User.Email, ClientID: cl.Client.ID,
		Subject: "Something to reflect on, when you are ready"}
	l := &o.Letter
	l.para("Hello " + clientFirstName(cl.Client) + ",")
	if cl.To.Prefs.Details {
		// A day alone: the clinic's clock does not come into it.
		tf := timefmt.New(cl.Clinic.Location(), "")
		for _, op := range opens {
			l.heading(op.Set.Title)
			l.para(op.Set.Intro + " Open in your journal until " + tf.LongDayMonth(op.ClosesAt) + ".")
			l.list(op.Set.Prompts...)
		}
	} else {
		l.para("A few reflection questions are open in your journal, whenever you are ready. A few words are plenty.")
	}
	l.link("Open your journal", s.baseURL()+"/portal/journal")
	if reach := joinNonEmpty(" or ", cl.Clinic.ContactPhone, cl.Clinic.ContactEmail); reach != "" {
		l.para("If something that comes up feels like too much, please contact the clinic: " + reach + ".")
	}
	l.small("You receive this because e-mails about reflection prompts are on. To change what Doorway e-mails you:", s.settingsLink(true))
	if err := s.deliver(ctx, j, o); err != nil {
		return err
	}
	return s.st.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		for _, op := range opens {
			if key := promptKey(op.SessionID, op.Set.Key, cl.To.User.ID); key != j.Key {
				if _, err := tx.CancelJob(ctx, key, s.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// clientFirstName is how an e-mail greets a client.
func clientFirstName(c store.Client) string {
	if c.PreferredName != "" {
		return c.PreferredName
	}
	return c.GivenName
}
