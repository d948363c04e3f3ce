package practice

import (
	"context"
	"regexp"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/integration"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The client's journal (DESIGN.md §3): entries written in the portal, the
// reflection prompts after each medicine session answered into it, drafts
// kept as they type, and sharing by entry. The audit log names entries by
// id only, never by a word of what is in them.

// Journal is what the client's journal page shows.
type Journal struct {
	Entries []store.JournalEntry
	// Prompts are the reflection prompts open now, newest first.
	Prompts []integration.Open
	// Drafts are what the client left unsaved, newest first.
	Drafts []store.JournalDraft
	// Couple is true for a client in couples work, who sees the caution
	// against big relationship decisions with every prompt.
	Couple bool
}

var (
	// opPortalRead is a client reading their own writing in the portal:
	// recorded, like every read of client data, under one action whatever
	// the page (the resource type says which).
	opPortalRead   = op{action: "portal.read"}
	opJournal      = op{action: "journal.read"}
	opJournalWrite = op{action: "journal.write"}
	opJournalShare = op{action: "journal.share"}
	opTeamJournal  = op{action: "journal.read_shared"}
)

// MyJournal loads the signed-in client's journal.
func (s *Service) MyJournal(ctx context.Context, a Actor) (Journal, error) {
	var j Journal
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opJournal, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		c := ch.Client
		if j.Entries, err = tx.JournalEntries(ctx, store.JournalFilter{ClinicID: c.ClinicID, ClientID: c.ID}); err != nil {
			return err
		}
		if j.Drafts, err = tx.JournalDrafts(ctx, c.ClinicID, c.ID); err != nil {
			return err
		}
		if j.Couple, err = inCouplesWork(ctx, tx, c); err != nil {
			return err
		}
		j.Prompts, err = s.openPrompts(ctx, tx, a, c, j.Entries)
		return err
	})
	if err != nil {
		return j, err
	}
	return j, s.Record(ctx, a, audit.Entry{Action: opPortalRead.action, ResourceType: "journal", ResourceID: a.P.ClientID, ClientID: a.P.ClientID})
}

// openPrompts are the client's reflection prompts open now: from their
// medicine sessions that have ended and the integration sessions booked
// after them, less those they have answered.
func (s *Service) openPrompts(ctx context.Context, tx *store.Tx, a Actor, c store.Client, entries []store.JournalEntry) ([]integration.Open, error) {
	answered := map[string]bool{}
	for _, e := range entries {
		if e.PromptKey != "" {
			answered[e.PromptKey] = true
		}
	}
	return promptsOpenAt(ctx, tx, c, answered, s.Now(), a.Location())
}

// promptsOpenAt are the client's prompts open at now, less those answered
// (by entry key): the journal shows them, and the reminders tell of them.
func promptsOpenAt(ctx context.Context, tx *store.Tx, c store.Client, answered map[string]bool, now time.Time, loc *time.Location) ([]integration.Open, error) {
	ms, err := tx.ClientMedicineSessions(ctx, c.ClinicID, c.ID)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	appts, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: c.ClinicID, ClientID: c.ID, From: now.AddDate(0, -3, 0), To: now.AddDate(0, 3, 0)})
	if err != nil {
		return nil, err
	}
	var sessions []integration.Session
	for _, m := range ms {
		if m.Discharge == nil {
			continue
		}
		is := integration.Session{ID: m.ID, EndedAt: m.Discharge.At}
		for _, ap := range appts {
			if ap.Kind == store.KindIntegration && ap.Status != store.StatusCancelled && ap.StartsAt.After(m.Discharge.At) &&
				(is.NextIntegration.IsZero() || ap.StartsAt.Before(is.NextIntegration)) {
				is.NextIntegration = ap.StartsAt
			}
		}
		sessions = append(sessions, is)
	}
	return integration.OpenNow(sessions, answered, now, loc), nil
}

// JournalInput is an entry as the client writes it.
type JournalInput struct {
	// ID is the entry being edited; "" writes a new one.
	ID string
	// PromptKey names the prompts a new entry answers (integration.EntryKey).
	PromptKey string
	Body      string
	// DraftKey is the draft this entry was typed into, removed once saved.
	DraftKey string
}

var (
	promptKeyPattern = regexp.MustCompile(`^[a-z0-9]{26}:[a-z0-9-]{1,32}$`)
	draftKeyPattern  = regexp.MustCompile(`^(new|entry:[a-z0-9]{26}|prompt:[a-z0-9]{26}:[a-z0-9-]{1,32}|workbook:ch[0-9]{1,2}\.p[0-9]{1,2})$`)
)

// ValidDraftKey reports whether key names a place a draft can be kept.
func ValidDraftKey(key string) bool { return draftKeyPattern.MatchString(key) }

// WriteJournal saves a new entry or an edit of one of the client's own.
func (s *Service) WriteJournal(ctx context.Context, a Actor, in JournalInput) (store.JournalEntry, error) {
	var e store.JournalEntry
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opJournalWrite, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		c := ch.Client
		if in.PromptKey != "" && !promptKeyPattern.MatchString(in.PromptKey) {
			return problem.Invalidf("prompt", "Those prompts are not open any more; your words can still be saved as a free entry.")
		}
		if in.ID != "" {
			if e, err = tx.JournalEntry(ctx, c.ClinicID, c.ID, in.ID); err != nil {
				return s.refuse(a, opJournalWrite, "journal_entry", in.ID, "not theirs", "That entry was not found.")
			}
			e.Body, e.UpdatedAt = in.Body, now
		} else {
			e = store.JournalEntry{ClinicID: c.ClinicID, ClientID: c.ID, PromptKey: in.PromptKey, Body: in.Body, CreatedAt: now, UpdatedAt: now}
		}
		if err := tx.SaveJournalEntry(ctx, &e); err != nil {
			return err
		}
		if ValidDraftKey(in.DraftKey) {
			if err := tx.SaveJournalDraft(ctx, c.ClinicID, c.ID, store.JournalDraft{Key: in.DraftKey, UpdatedAt: now}); err != nil {
				return err
			}
		}
		detail := "new entry"
		if in.ID != "" {
			detail = "edited"
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opJournalWrite.action, ResourceType: "journal_entry", ResourceID: e.ID, ClientID: c.ID, Detail: detail})
	})
	return e, err
}

// SaveDraft keeps what the client is typing under key, so a dropped
// connection or a sign-out loses nothing; an empty body removes it.
// Drafts are not audited one by one: they are the client's own keystrokes,
// saved every few seconds, and are never shown to anyone else.
func (s *Service) SaveDraft(ctx context.Context, a Actor, key, body string) error {
	if !ValidDraftKey(key) {
		return problem.Invalidf("draft", "That draft cannot be kept.")
	}
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opJournalWrite, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		return tx.SaveJournalDraft(ctx, ch.Client.ClinicID, ch.Client.ID, store.JournalDraft{Key: key, Body: body, UpdatedAt: s.Now()})
	})
}

// Draft is the client's draft under key, "" without one.
func (s *Service) Draft(ctx context.Context, a Actor, key string) (store.JournalDraft, error) {
	var d store.JournalDraft
	if !ValidDraftKey(key) {
		return d, nil
	}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opJournal, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		d, _, err = tx.JournalDraft(ctx, ch.Client.ClinicID, ch.Client.ID, key)
		return err
	})
	return d, err
}

// JournalEntry is one of the signed-in client's entries.
func (s *Service) JournalEntry(ctx context.Context, a Actor, id string) (store.JournalEntry, error) {
	var e store.JournalEntry
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opJournal, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		if !auth.ValidID(id) {
			return s.refuse(a, opJournal, "journal_entry", "", "malformed id", "That entry was not found.")
		}
		e, err = tx.JournalEntry(ctx, ch.Client.ClinicID, ch.Client.ID, id)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opJournal, "journal_entry", id, "not theirs", "That entry was not found.")
		}
		return err
	})
	if err != nil {
		return e, err
	}
	return e, s.Record(ctx, a, audit.Entry{Action: opPortalRead.action, ResourceType: "journal_entry", ResourceID: e.ID, ClientID: a.P.ClientID})
}

// ShareJournalEntry shares one of the client's entries with their care
// team, or takes the share back: from then on the team sees none of it.
func (s *Service) ShareJournalEntry(ctx context.Context, a Actor, id string, share bool) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opJournalShare, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		var at *time.Time
		action := "journal.unshare"
		if share {
			at, action = &now, "journal.share"
		}
		err = tx.ShareJournalEntry(ctx, ch.Client.ClinicID, ch.Client.ID, id, at)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opJournalShare, "journal_entry", id, "not theirs", "That entry was not found.")
		}
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: action, ResourceType: "journal_entry", ResourceID: id, ClientID: ch.Client.ID})
	})
}

// SharedJournal is what a client shares with their care team: the shared
// entries only, each read recorded against the client.
func (s *Service) SharedJournal(ctx context.Context, a Actor, clientID string) (store.Client, []store.JournalEntry, error) {
	var c store.Client
	var out []store.JournalEntry
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opTeamJournal, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		c = ch.Client
		entries, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: c.ClinicID, ClientID: c.ID, SharedOnly: true})
		if err != nil {
			return err
		}
		// Each entry asks the one decision: shared, and the reader on the
		// client's care team.
		for _, e := range entries {
			if sharedWithReader(a, ch, e.Shared()) {
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return c, nil, err
	}
	return c, out, s.Record(ctx, a, audit.Entry{Action: opTeamJournal.action, ResourceType: "journal", ResourceID: clientID, ClientID: clientID,
		Detail: plural(len(out), "shared entry", "shared entries")})
}

// sharedWithReader asks whether the actor may read something of the
// client's own writing that the client shares (shared) or keeps: the rule
// of a journal entry, which every piece of a client's writing follows.
func sharedWithReader(a Actor, ch chart, shared bool) bool {
	r := ch.resource(access.JournalEntry)
	r.Shared = shared
	return access.Allow(a.P, access.Read, r)
}

// plural is "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}
