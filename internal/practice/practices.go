package practice

import (
	"context"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/integration"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The practices a client logs between sessions (CLINICAL.md §7: breathing,
// mindfulness, time in nature, movement, art, somatic attention), a week
// at a time in the clinic's calendar, and shared with the care team as a
// whole or not at all. The log is the client's own writing: the team reads
// it only while the client shares it, under the rule of a journal entry.

var (
	opPractices      = op{action: "practices.read"}
	opPracticeLog    = op{action: "practice.log"}
	opPracticeRemove = op{action: "practice.remove"}
	opPracticesShare = op{action: "practices.share"}
	opTeamPractices  = op{action: "practices.read_shared"}
)

const notFoundPractice = "That practice was not found."

// PracticeWeek is one week of a client's practices log.
type PracticeWeek struct {
	integration.LogWeek
	Today calendar.Day
	// Logs are the week's practices in day order.
	Logs []store.PracticeLog
	// Shared is true while the client shares their log with the care team.
	Shared bool
}

// practiceWeek loads the week of c's log that holds asked (a day as
// YYYY-MM-DD; anything else is this week), kept within the log.
func (s *Service) practiceWeek(ctx context.Context, tx *store.Tx, a Actor, c store.Client, asked string) (PracticeWeek, error) {
	w := PracticeWeek{Today: calendar.Of(s.Now(), a.Location())}
	first, err := tx.FirstPracticeDay(ctx, c.ClinicID, c.ID)
	if err != nil {
		return w, err
	}
	askedDay, _ := calendar.Parse(asked)
	firstDay, _ := calendar.Parse(first)
	w.LogWeek = integration.WeekOfLog(askedDay, firstDay, w.Today)
	if w.Logs, err = tx.PracticeLogs(ctx, c.ClinicID, c.ID, w.Days[0].String(), w.Days[6].String()); err != nil {
		return w, err
	}
	sharing, err := tx.ClientSharing(ctx, c.ClinicID, c.ID)
	w.Shared = sharing.Practices
	return w, err
}

// MyPractices is a week of the signed-in client's log: the week holding
// the day asked ("" for this week).
func (s *Service) MyPractices(ctx context.Context, a Actor, week string) (PracticeWeek, error) {
	var w PracticeWeek
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPractices, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		w, err = s.practiceWeek(ctx, tx, a, ch.Client, week)
		return err
	})
	if err != nil {
		return w, err
	}
	return w, s.Record(ctx, a, audit.Entry{Action: opPortalRead.action, ResourceType: "practices", ResourceID: a.P.ClientID, ClientID: a.P.ClientID})
}

// PracticeInput is a practice as the client logs it, as typed.
type PracticeInput struct {
	Kind    string
	Day     string // YYYY-MM-DD in the clinic's calendar
	Minutes string
	Note    string
}

// LogPractice adds a practice to the signed-in client's log.
func (s *Service) LogPractice(ctx context.Context, a Actor, in PracticeInput) (store.PracticeLog, error) {
	var p store.PracticeLog
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPracticeLog, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		day, _ := calendar.Parse(strings.TrimSpace(in.Day))
		minutes, err := strconv.Atoi(strings.TrimSpace(in.Minutes))
		if err != nil {
			minutes = -1
		}
		if err := integration.CheckPractice(in.Kind, day, calendar.Of(now, a.Location()), minutes); err != nil {
			return err
		}
		c := ch.Client
		p = store.PracticeLog{ClinicID: c.ClinicID, ClientID: c.ID, Kind: in.Kind, DoneOn: day.String(), Minutes: minutes, Note: in.Note, CreatedAt: now}
		if err := tx.AddPracticeLog(ctx, &p); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opPracticeLog.action, ResourceType: "practice_log", ResourceID: p.ID,
			ClientID: c.ID})
	})
	return p, err
}

// RemovePractice takes a practice the signed-in client logged out of their
// log, as when it was logged by mistake.
func (s *Service) RemovePractice(ctx context.Context, a Actor, id string) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPracticeRemove, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		if !auth.ValidID(id) {
			return s.refuse(a, opPracticeRemove, "practice_log", "", "malformed id", notFoundPractice)
		}
		err = tx.DeletePracticeLog(ctx, ch.Client.ClinicID, ch.Client.ID, id)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opPracticeRemove, "practice_log", id, "not theirs", notFoundPractice)
		}
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opPracticeRemove.action, ResourceType: "practice_log", ResourceID: id, ClientID: ch.Client.ID})
	})
}

// SharePractices shares the signed-in client's whole practices log with
// their care team (share), or stops sharing it: from then on the team sees
// none of it.
func (s *Service) SharePractices(ctx context.Context, a Actor, share bool) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPracticesShare, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		c := ch.Client
		sharing, err := tx.ClientSharing(ctx, c.ClinicID, c.ID)
		if err != nil {
			return err
		}
		sharing.Practices = share
		if err := tx.SetClientSharing(ctx, c.ClinicID, c.ID, sharing, now); err != nil {
			return err
		}
		action := "practices.unshare"
		if share {
			action = opPracticesShare.action
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: action, ResourceType: "practices", ResourceID: c.ID, ClientID: c.ID})
	})
}

// SharedPractices is a week of a client's practices log as their care
// team sees it: nothing while the client does not share it (Shared false,
// no logs), the read recorded against the client.
func (s *Service) SharedPractices(ctx context.Context, a Actor, clientID, week string) (store.Client, PracticeWeek, error) {
	var c store.Client
	var w PracticeWeek
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opTeamPractices, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		c = ch.Client
		sharing, err := tx.ClientSharing(ctx, c.ClinicID, c.ID)
		if err != nil || !sharedWithReader(a, ch, sharing.Practices) {
			// Not even where the log begins is shown: this week, empty.
			w = PracticeWeek{Today: calendar.Of(s.Now(), a.Location())}
			w.LogWeek = integration.WeekOfLog(calendar.Day{}, calendar.Day{}, w.Today)
			return err
		}
		w, err = s.practiceWeek(ctx, tx, a, c, week)
		return err
	})
	if err != nil {
		return c, w, err
	}
	detail := "not shared"
	if w.Shared {
		detail = "week of " + w.Days[0].String() + ", " + plural(len(w.Logs), "practice", "practices")
	}
	return c, w, s.Record(ctx, a, audit.Entry{Action: opTeamPractices.action, ResourceType: "practices", ResourceID: clientID, ClientID: clientID,
		Detail: detail})
}
