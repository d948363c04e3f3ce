package practice

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The clinic's medicine-session rules (store.SessionRules), as the admin
// sees and changes them: saved whole or not at all, each change recorded
// with its old and new value, and a section put back to its defaults on
// its own.

var opSessionRules = op{action: "clinic.settings"}

// SessionRules are the clinic's session rules as they stand; Ignored names
// the stored rules no longer valid, whose defaults apply meanwhile.
func (s *Service) SessionRules(ctx context.Context, a Actor) (store.SessionRules, error) {
	if err := s.settle(ctx, a, s.clinicWide(a, opSessionRules, access.ClinicSettings, access.Read, string(access.ClinicSettings), "")); err != nil {
		return store.SessionRules{}, err
	}
	var out store.SessionRules
	err := s.read(ctx, a, func(tx *store.Tx) error {
		st, err := s.settings(ctx, tx, a)
		if err == nil {
			out = st.Session
		}
		return err
	})
	return out, err
}

// MayChangeSessionRules asks whether the actor may change the rules before
// an adapter reads a form of them, so one who may not is refused as absent
// whatever they sent; a refusal is recorded.
func (s *Service) MayChangeSessionRules(ctx context.Context, a Actor) error {
	return s.settle(ctx, a, s.clinicWide(a, opSessionRules, access.ClinicSettings, access.Write, string(access.ClinicSettings), ""))
}

// SaveSessionRules stores the rules as the clinic's, if they hold as a
// whole; otherwise nothing is stored and the error names the first rule
// broken. A change is recorded with its old and new value, at high
// severity; saving the rules as they stand records nothing.
func (s *Service) SaveSessionRules(ctx context.Context, a Actor, rules store.SessionRules) error {
	if err := s.MayChangeSessionRules(ctx, a); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *store.Tx) error { return s.saveSessionRules(ctx, tx, a, rules, "") })
}

// RestoreSessionRules puts one section of the rules back to its defaults,
// keeping the others as they stand. It returns the rules it tried to save:
// a section's defaults can clash with a rule kept elsewhere (a booking
// shorter than the default observation, say), and the page then shows them
// with the error.
func (s *Service) RestoreSessionRules(ctx context.Context, a Actor, section string) (store.SessionRules, error) {
	if err := s.MayChangeSessionRules(ctx, a); err != nil {
		return store.SessionRules{}, err
	}
	sec := store.RuleSection(section)
	if !slices.Contains(store.RuleSections(), sec) {
		// Not a field's error: the page has no input to show it by.
		return store.SessionRules{}, problem.New(problem.Invalid, "There is no such section to restore.")
	}
	var restored store.SessionRules
	err := s.write(ctx, a, func(tx *store.Tx) error {
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		// The rules are built afresh, not edited in place: the settings
		// are the request's copy, which others may read after this.
		restored = store.DefaultSessionRules()
		def := store.DefaultSessionRules()
		for _, fd := range store.SessionRuleFields() {
			from := st.Session
			if fd.Section == sec {
				from = def
			}
			if err := fd.Set(&restored, fd.Value(from)); err != nil {
				return err
			}
		}
		return s.saveSessionRules(ctx, tx, a, restored, "restore defaults, "+section)
	})
	return restored, err
}

// saveSessionRules stores the rules and records each change, old → new, in
// the same transaction.
func (s *Service) saveSessionRules(ctx context.Context, tx *store.Tx, a Actor, rules store.SessionRules, why string) error {
	changes, err := tx.SaveSessionRules(ctx, a.P.ClinicID, rules, a.P.UserID, s.Now())
	if err != nil {
		return err
	}
	prefix := "session rules: "
	if why != "" {
		prefix = "session rules (" + why + "): "
	}
	entries := make([]audit.Entry, len(changes))
	for i, c := range changes {
		entries[i] = audit.Entry{Action: opSessionRules.action, ResourceType: "clinic", ResourceID: a.P.ClinicID, Severity: audit.High,
			Detail: prefix + strings.TrimPrefix(c.Key, "session.") + " " + clipDetail(dashIfEmpty(c.Old)) + " → " + clipDetail(dashIfEmpty(c.New))}
	}
	return s.appendTx(ctx, tx, a, entries...)
}

// dashIfEmpty shows an empty value (no bound) as a dash.
func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// clipDetail keeps one side of an audit detail within the entry's limit;
// the protocol's points are the only value that can be long.
func clipDetail(s string) string {
	const most = (audit.MaxDetailLen - 80) / 2
	if len(s) <= most {
		return s
	}
	cut := most - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
