package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// Couples work (CLINICAL.md §5): a couple links two clients of one clinic.
// Whether someone may see a couple, or write in its shared space, is the
// access decision's; this file reads and writes.

// Couple is two clients of one clinic in couples work.
type Couple struct {
	ID        string
	ClinicID  string
	ClientA   string // the lesser id of the two
	ClientB   string
	CreatedBy string
	CreatedAt time.Time
	EndedAt   *time.Time // nil while the couple is in couples work
	EndedBy   string
}

// Ended reports whether the couple has left couples work.
func (c Couple) Ended() bool { return c.EndedAt != nil }

// Partner is the other client of the couple than clientID.
func (c Couple) Partner(clientID string) string {
	if c.ClientA == clientID {
		return c.ClientB
	}
	return c.ClientA
}

// Has reports whether clientID is one of the two.
func (c Couple) Has(clientID string) bool { return c.ClientA == clientID || c.ClientB == clientID }

// Clients are the two partners, in id order.
func (c Couple) Clients() []string { return []string{c.ClientA, c.ClientB} }

// CreateCouple links two clients of the clinic. Either already in a live
// couple, or the same client twice, is refused with a message that names
// the partner field.
func (t *Tx) CreateCouple(ctx context.Context, c *Couple) error {
	if c.ClientA == c.ClientB {
		return problem.Invalidf("partner", "Choose a different person as the partner.")
	}
	if c.ClientB < c.ClientA {
		c.ClientA, c.ClientB = c.ClientB, c.ClientA
	}
	for _, id := range c.Clients() {
		if _, ok, err := t.LiveCoupleOf(ctx, c.ClinicID, id); err != nil {
			return err
		} else if ok {
			return problem.Invalidf("partner", "One of the two is already in couples work with someone; end that first.")
		}
	}
	if c.ID == "" {
		c.ID = auth.NewID()
	}
	_, err := t.exec(ctx, `INSERT INTO couples (id, clinic_id, client_a, client_b, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.ClinicID, c.ClientA, c.ClientB, c.CreatedBy, c.CreatedAt)
	if isUniqueViolation(err) {
		return problem.Invalidf("partner", "These two are already linked as a couple.")
	}
	return err
}

const coupleColumns = `id, clinic_id, client_a, client_b, created_by, created_at, ended_at, ended_by`

func (t *Tx) couples(ctx context.Context, q string, args ...any) ([]Couple, error) {
	rows, err := t.query(ctx, `SELECT `+coupleColumns+` FROM couples WHERE `+q, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(c *Couple) error {
		var ended sql.NullTime
		if err := rows.Scan(&c.ID, &c.ClinicID, &c.ClientA, &c.ClientB, &c.CreatedBy, &c.CreatedAt, &ended, &c.EndedBy); err != nil {
			return err
		}
		c.CreatedAt, c.EndedAt = c.CreatedAt.UTC(), nullTime(ended)
		return nil
	})
}

// Couple is one of the clinic's couples; NotFound otherwise.
func (t *Tx) Couple(ctx context.Context, clinicID, id string) (Couple, error) {
	cs, err := t.couples(ctx, `clinic_id = ? AND id = ?`, clinicID, id)
	if err != nil {
		return Couple{}, err
	}
	if len(cs) == 0 {
		return Couple{}, problem.New(problem.NotFound, "That couple was not found.")
	}
	return cs[0], nil
}

// CouplesOf lists every couple a client has been in, newest first.
func (t *Tx) CouplesOf(ctx context.Context, clinicID, clientID string) ([]Couple, error) {
	cs, err := t.couples(ctx, `clinic_id = ? AND client_a = ? UNION ALL SELECT `+coupleColumns+` FROM couples WHERE clinic_id = ? AND client_b = ?`,
		clinicID, clientID, clinicID, clientID)
	if err != nil {
		return nil, err
	}
	// Newest first, whichever side the client is on.
	slices.SortFunc(cs, func(x, y Couple) int {
		if c := y.CreatedAt.Compare(x.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return cs, nil
}

// LiveCoupleOf is the couple a client is in now, if any.
func (t *Tx) LiveCoupleOf(ctx context.Context, clinicID, clientID string) (Couple, bool, error) {
	cs, err := t.CouplesOf(ctx, clinicID, clientID)
	if err != nil {
		return Couple{}, false, err
	}
	for _, c := range cs {
		if !c.Ended() {
			return c, true, nil
		}
	}
	return Couple{}, false, nil
}

// EndCouple marks a live couple ended; NotFound when it is not live.
func (t *Tx) EndCouple(ctx context.Context, clinicID, id, by string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE couples SET ended_at = ?, ended_by = ? WHERE clinic_id = ? AND id = ? AND ended_at IS NULL`, at, by, clinicID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "That couple was not found, or has already ended.")
	}
	return nil
}

// CoupleReflection is one entry of a couple's shared reflection space.
type CoupleReflection struct {
	ID        string
	ClinicID  string
	CoupleID  string
	AuthorID  string // the partner (client id) who wrote it
	PromptKey string // the workbook prompt it answers; "" for a free reflection
	Body      string // sealed at rest
	CreatedAt time.Time
}

func reflectionBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "couple_reflections", Column: "body", RowID: id}
}

// AddCoupleReflection writes a reflection into a live couple's shared
// space; an ended couple's space is read-only.
func (t *Tx) AddCoupleReflection(ctx context.Context, r *CoupleReflection) error {
	body, err := checkJournalText("body", r.Body)
	if err != nil {
		return err
	}
	if body == "" {
		return problem.Invalidf("body", "Write something first; an empty reflection is not saved.")
	}
	c, err := t.Couple(ctx, r.ClinicID, r.CoupleID)
	if err != nil {
		return err
	}
	if c.Ended() || !c.Has(r.AuthorID) {
		return problem.New(problem.Conflict, "Couples work has ended, so the shared space is read-only.")
	}
	r.Body = body
	r.ID = auth.NewID()
	sealed, err := t.sealText(ctx, reflectionBinding(r.ClinicID, r.ID), body)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO couple_reflections (id, clinic_id, couple_id, author_id, prompt_key, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.ClinicID, r.CoupleID, r.AuthorID, r.PromptKey, sealed, r.CreatedAt)
	return err
}

// CoupleReflections lists a couple's shared reflections, oldest first.
func (t *Tx) CoupleReflections(ctx context.Context, clinicID, coupleID string) ([]CoupleReflection, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, couple_id, author_id, prompt_key, body, created_at FROM couple_reflections
		WHERE clinic_id = ? AND couple_id = ? ORDER BY created_at, id`, clinicID, coupleID)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(r *CoupleReflection) error {
		if err := rows.Scan(&r.ID, &r.ClinicID, &r.CoupleID, &r.AuthorID, &r.PromptKey, &r.Body, &r.CreatedAt); err != nil {
			return err
		}
		r.CreatedAt = r.CreatedAt.UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Body, err = t.openText(ctx, reflectionBinding(out[i].ClinicID, out[i].ID), out[i].Body); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CouplesConsent is the clinic's couples consent document as the gates read
// it, with the signatures of it by each of clientIDs.
func (t *Tx) CouplesConsent(ctx context.Context, clinicID string, clientIDs ...string) (care.ConsentDocument, map[string][]care.Signature, error) {
	d, err := t.CurrentConsentDocument(ctx, clinicID, care.ConsentCouples)
	if err != nil {
		return care.ConsentDocument{}, nil, err
	}
	doc := care.ConsentDocument{ID: d.Kind, Title: d.Title, Version: d.Version}
	in, args := inList("s.client_id", clientIDs)
	sigs, err := t.careSignaturesByClient(ctx, `s.clinic_id = ? AND d.kind = ? AND `+in, append([]any{clinicID, care.ConsentCouples}, args...)...)
	return doc, sigs, err
}

// ClinicCouples lists every couple of the clinic, newest first.
func (t *Tx) ClinicCouples(ctx context.Context, clinicID string) ([]Couple, error) {
	return t.couples(ctx, `clinic_id = ? ORDER BY created_at DESC, id`, clinicID)
}
