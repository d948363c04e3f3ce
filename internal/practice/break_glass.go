package practice

import (
	"context"
	"slices"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Break-glass access (SECURITY.md, "Access control"): in an emergency a
// clinician not on a client's care team opens the record, with a written
// reason. The grant lasts BreakGlassLength and reads like care-team
// membership (access.Allow) for that clinician and client only; it writes
// nothing. Opening one is a high-severity audit entry, every read under it
// is recorded as any read, the admins see it on a review page until one of
// them marks it reviewed, and the client sees it in their accounting of
// access.

// BreakGlassLength is how long an emergency grant lasts.
const BreakGlassLength = time.Hour

var (
	opBreakGlassOpen   = op{action: "break_glass.open"}
	opBreakGlassList   = op{action: "break_glass.list"}
	opBreakGlassReview = op{action: "break_glass.review"}
)

// BreakGlassInput names the client, by the id of the record the clinician
// was refused or by their names and date of birth as typed, and says why.
type BreakGlassInput struct {
	ClientID    string
	GivenName   string
	FamilyName  string
	DateOfBirth string // YYYY-MM-DD
	Reason      string
}

// Form field names the refusals of OpenBreakGlass name.
const (
	FieldBreakGlassReason = "reason"
	FieldBreakGlassClient = "family_name"
)

// MayOpenBreakGlass says whether the actor may open emergency access at
// all (a clinician of the clinic), for a page that offers the form; a
// refusal is recorded.
func (s *Service) MayOpenBreakGlass(ctx context.Context, a Actor) error {
	return s.allowClinic(ctx, a, opBreakGlassOpen, access.BreakGlass, access.Write)
}

// OpenBreakGlass opens emergency access to a client's record for the
// actor, until BreakGlassLength from now.
func (s *Service) OpenBreakGlass(ctx context.Context, a Actor, in BreakGlassInput) (store.BreakGlass, error) {
	if err := s.MayOpenBreakGlass(ctx, a); err != nil {
		return store.BreakGlass{}, err
	}
	now := s.Now()
	g := store.BreakGlass{ID: auth.NewID(), ClinicID: a.P.ClinicID, UserID: a.P.UserID, Reason: strings.TrimSpace(in.Reason),
		OpenedAt: now, ExpiresAt: now.Add(BreakGlassLength)}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		c, err := s.breakGlassClient(ctx, tx, a, in)
		if err != nil {
			return err
		}
		team, err := tx.CareTeam(ctx, c.ID)
		if err != nil {
			return err
		}
		if slices.Contains(team, a.P.UserID) {
			return problem.New(problem.Conflict, "You are on this client's care team: open their record from your caseload.")
		}
		g.ClientID, g.ClientName = c.ID, c.DisplayName()
		if err := tx.OpenBreakGlass(ctx, &g); err != nil {
			return err
		}
		// The reason is sealed in the grant; the log says only for how long.
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opBreakGlassOpen.action, ResourceType: "break_glass", ResourceID: g.ID,
			ClientID: c.ID, Severity: audit.High, Detail: "emergency access for " + plural(int(BreakGlassLength/time.Minute), "minute", "minutes")})
	})
	return g, err
}

// breakGlassClient finds the client the form names: by id, or by exact
// names and date of birth. A clinician of the clinic may open any of its
// records in an emergency, so saying that no client matches tells them
// nothing they may not know.
func (s *Service) breakGlassClient(ctx context.Context, tx *store.Tx, a Actor, in BreakGlassInput) (store.Client, error) {
	if in.ClientID != "" {
		if !auth.ValidID(in.ClientID) {
			return store.Client{}, problem.New(problem.NotFound, notFoundClient)
		}
		return tx.Client(ctx, a.P.ClinicID, in.ClientID)
	}
	if strings.TrimSpace(in.GivenName) == "" || strings.TrimSpace(in.FamilyName) == "" || strings.TrimSpace(in.DateOfBirth) == "" {
		return store.Client{}, problem.Invalidf(FieldBreakGlassClient, "Give the client's first name, last name and date of birth.")
	}
	found, err := tx.ClientsNamed(ctx, a.P.ClinicID, in.GivenName, in.FamilyName, in.DateOfBirth)
	switch {
	case err != nil:
		return store.Client{}, err
	case len(found) == 0:
		return store.Client{}, problem.Invalidf(FieldBreakGlassClient, "No client of the clinic has that name and date of birth. Check the spelling and the date (such as 1984-03-21).")
	case len(found) > 1:
		return store.Client{}, problem.Invalidf(FieldBreakGlassClient, "More than one client has that name and date of birth; open the record from the link you were given, or ask an admin.")
	}
	return found[0], nil
}

// BreakGlassGrant is one grant as the review page shows it, with what the
// clinician opened while it lasted.
type BreakGlassGrant struct {
	store.BreakGlass
	Reads []audit.Entry
}

// BreakGlassReview is the admins' review page: every grant not yet
// reviewed, with what was opened under it, and the latest reviewed.
type BreakGlassReview struct {
	Open     []BreakGlassGrant
	Reviewed []store.BreakGlass
}

// breakGlassReviewed is how many reviewed grants the page lists.
const breakGlassReviewed = 50

// BreakGlassToReview loads the review page, recording the read.
func (s *Service) BreakGlassToReview(ctx context.Context, a Actor) (BreakGlassReview, error) {
	var out BreakGlassReview
	if err := s.allowClinic(ctx, a, opBreakGlassList, access.BreakGlass, access.List); err != nil {
		return out, err
	}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		open, reviewed, err := tx.BreakGlassToReview(ctx, a.P.ClinicID, breakGlassReviewed)
		if err != nil {
			return err
		}
		out.Reviewed = reviewed
		for _, g := range open {
			reads, err := tx.AuditEntries(ctx, store.AuditFilter{ClinicID: a.P.ClinicID, ActorID: g.UserID, ClientID: g.ClientID,
				From: g.OpenedAt, To: g.ExpiresAt, Limit: 200})
			if err != nil {
				return err
			}
			out.Open = append(out.Open, BreakGlassGrant{BreakGlass: g, Reads: reads})
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opBreakGlassList.action, ResourceType: "break_glass",
		Detail: plural(len(out.Open), "grant to review", "grants to review")})
}

// ReviewBreakGlass marks a grant reviewed by the admin.
func (s *Service) ReviewBreakGlass(ctx context.Context, a Actor, id string) error {
	if err := s.allowClinic(ctx, a, opBreakGlassReview, access.BreakGlass, access.Read); err != nil {
		return err
	}
	if !auth.ValidID(id) {
		return problem.New(problem.NotFound, "That emergency access was not found.")
	}
	return s.write(ctx, a, func(tx *store.Tx) error {
		if err := tx.ReviewBreakGlass(ctx, a.P.ClinicID, id, a.P.UserID, s.Now()); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opBreakGlassReview.action, ResourceType: "break_glass", ResourceID: id})
	})
}
