package practice

import (
	"context"
	"time"

	"doorway/internal/store"
)

// The hourly sweep: one job per hour of the clock ("sweep:reminders:
// 2026-03-17T09"), queued by the sweep before it and, at start-up, by
// whichever instance starts first, so the chain lives in the database and
// not in any one process. It looks at every clinic for what has fallen due
// and queues its message under a key of its own: a session's reminder (for
// the week ahead), a questionnaire due, reflection prompts open. A key is
// queued once for ever, so however many sweeps see the same thing, and
// whether the booking queued it first, one message goes. It also forgets
// what is kept no longer: outbox rows after 90 days, series addresses
// never confirmed after two days.

const (
	sweepEvery = time.Hour
	// sweepAhead is how far ahead sessions are looked for: a week and a day,
	// so that each day's reminders wait in the queue (and on the outbox page)
	// a week before they go.
	sweepAhead = 8 * 24 * time.Hour
	// outboxKept is how long the outbox keeps a message.
	outboxKept = 90 * 24 * time.Hour
)

// sweepKey names the sweep of the hour at falls in.
func sweepKey(at time.Time) string {
	return "sweep:reminders:" + at.UTC().Truncate(sweepEvery).Format("2006-01-02T15")
}

// StartScheduledWork queues this hour's sweep, unless an instance has
// already: each sweep then queues the next, so nothing depends on this
// process staying up. The server calls it as it starts.
func (s *Service) StartScheduledWork(ctx context.Context) error {
	now := s.Now()
	return s.st.Write(ctx, func(tx *store.Tx) error {
		return s.queue(ctx, tx, "", KindSweep, sweepKey(now), mailJob{}, now)
	})
}

// pending is a job the sweep found called for.
type pending struct {
	clinicID, kind, key string
	payload             mailJob
	at                  time.Time
}

// runSweep queues the next hour's sweep first, so a failure here never
// breaks the chain, then sweeps each clinic. A clinic that fails is logged
// and the sweep retried: what the others queued is kept, and queued once.
func (s *Service) runSweep(ctx context.Context, j store.Job) error {
	now := s.Now()
	next := now.Truncate(sweepEvery).Add(sweepEvery)
	var clinics []store.Clinic
	err := s.st.Write(ctx, func(tx *store.Tx) (err error) {
		if err := s.queue(ctx, tx, "", KindSweep, sweepKey(next), mailJob{}, next); err != nil {
			return err
		}
		clinics, err = tx.Clinics(ctx)
		return err
	})
	if err != nil {
		return err
	}
	var failed error
	queued := 0
	for _, c := range clinics {
		n, err := s.sweepClinic(ctx, c, now)
		if err != nil {
			s.log.Error("sweep: a clinic's reminders could not be queued; the sweep will be retried", "clinic", c.ID, "err", err)
			failed = err
		}
		queued += n
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.PruneOutbox(ctx, now.Add(-outboxKept)); err != nil {
			return err
		}
		_, err := tx.ForgetUnconfirmedSeriesReaders(ctx, now.Add(-seriesConfirmFor))
		return err
	})
	if err != nil {
		return err
	}
	if queued > 0 {
		s.log.Info("sweep: messages queued", "jobs", queued)
	}
	return failed
}

// sweepClinic reads, in one snapshot, what a clinic's people should hear
// of, then queues it in one write. It reports how many jobs were new.
func (s *Service) sweepClinic(ctx context.Context, clinic store.Clinic, now time.Time) (int, error) {
	var found []pending
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		saved, err := tx.NotificationPrefsOf(ctx, clinic.ID)
		if err != nil {
			return err
		}
		prefs := func(u store.User) Notifications {
			p, ok := saved[u.ID]
			return notificationsFrom(u, p, ok)
		}
		clients, err := tx.ClientsWithAccounts(ctx, clinic.ID)
		if err != nil {
			return err
		}
		staff, err := tx.Staff(ctx, clinic.ID)
		if err != nil {
			return err
		}
		people := map[string]store.User{} // by user id: who can be written to
		for _, u := range staff {
			if u.DisabledAt == nil {
				people[u.ID] = u
			}
		}
		byClient := map[string]store.Client{}
		for _, c := range clients {
			byClient[c.ID] = c
			people[c.UserID] = store.User{ID: c.UserID, ClinicID: clinic.ID, Kind: "client"}
		}

		// Sessions of the week ahead, for each of their people who wants
		// reminders.
		appts, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: clinic.ID, From: now, To: now.Add(sweepAhead), Limit: 2000})
		if err != nil {
			return err
		}
		for _, ap := range appts {
			at, ok := reminderTime(ap.StartsAt, now)
			if !ok || ap.Status != store.StatusScheduled || ap.StartsAt.Before(now) {
				continue
			}
			var ids []string
			for _, cid := range ap.ClientIDs() {
				if c, ok := byClient[cid]; ok {
					ids = append(ids, c.UserID)
				}
			}
			for _, id := range append(ids, ap.Staff...) {
				if u, ok := people[id]; ok && prefs(u).SessionReminders {
					found = append(found, pending{clinic.ID, KindSessionReminder, reminderKey(ap.ID, id),
						mailJob{User: id, Appointment: ap.ID, Start: ap.StartsAt}, at})
				}
			}
		}

		// Questionnaires due and prompts open, for each client who wants them.
		st, err := settingsOf(ctx, tx, clinic)
		if err != nil {
			return err
		}
		for _, c := range clients {
			p := prefs(people[c.UserID])
			if p.Measures {
				cm, err := clientMeasures(ctx, tx, clinic, c.ID, now)
				if err != nil {
					return err
				}
				for _, d := range st.DueNow(cm, now) {
					found = append(found, pending{clinic.ID, KindMeasureDue, measureKey(c.ID, d.Instrument.ID, dueID(d)),
						mailJob{User: c.UserID, Client: c.ID, Instrument: d.Instrument.ID, Due: dueID(d)}, now})
				}
			}
			if p.Prompts {
				answered, err := tx.AnsweredPrompts(ctx, clinic.ID, c.ID)
				if err != nil {
					return err
				}
				opens, err := promptsOpenAt(ctx, tx, c, answered, now, clinic.Location())
				if err != nil {
					return err
				}
				for _, o := range opens {
					found = append(found, pending{clinic.ID, KindPromptOpen, promptKey(o.SessionID, o.Set.Key, c.UserID),
						mailJob{User: c.UserID, Client: c.ID, Session: o.SessionID, Set: o.Set.Key}, now})
				}
			}
		}
		return nil
	})
	if err != nil || len(found) == 0 {
		return 0, err
	}
	n := 0
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		n = 0
		for _, f := range found {
			queued, err := s.enqueue(ctx, tx, f)
			if err != nil {
				return err
			}
			if queued {
				n++
			}
		}
		return nil
	})
	return n, err
}
