package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/workbook"
)

// The couple's shared reflection space (CLINICAL.md §5): each partner's
// journal stays their own; this space is the two partners', both read and
// write it, and staff see none of it. The workbook's couples chapter is in
// it. Once the couple ends it is read-only to both, and neither sees
// anything new of the other.

var (
	opSpaceRead  = op{action: "couple.space.read"}
	opSpaceWrite = op{action: "couple.space.write"}
)

// CouplesChapter is the workbook's chapter for couples.
const CouplesChapter = 9

// SharedSpace is what the partner's shared space page shows.
type SharedSpace struct {
	Client store.Client
	// Couple is the client's newest couple, live or ended; nil when the
	// client has never been in couples work.
	Couple  *CoupleOf
	Partner store.Client
	// Reflections are the space's entries, oldest first.
	Reflections []store.CoupleReflection
	// Open: the couple is live, so both may write.
	Open    bool
	Chapter workbook.Chapter
}

// mySpace loads the signed-in partner's newest couple, asking access for
// the shared space as act.
func (s *Service) mySpace(ctx context.Context, tx *store.Tx, a Actor, o op, act access.Action) (chart, *coupleChart, error) {
	ch, err := s.chartFor(ctx, tx, a, o, a.P.ClientID, access.ClientPortal, act)
	if err != nil {
		return ch, nil, err
	}
	cs, err := tx.CouplesOf(ctx, ch.Client.ClinicID, ch.Client.ID)
	if err != nil || len(cs) == 0 {
		return ch, nil, err
	}
	c := cs[0]
	for _, x := range cs {
		if !x.Ended() {
			c = x
			break
		}
	}
	cc, err := s.loadCouple(ctx, tx, c)
	if err != nil {
		return ch, nil, err
	}
	if !cc.may(a, act, access.SharedReflection) {
		return ch, nil, s.refuse(a, o, "couple", c.ID, "out of scope", notFoundCouple)
	}
	return ch, &cc, nil
}

// MySharedSpace loads the signed-in partner's shared space and records
// the read.
func (s *Service) MySharedSpace(ctx context.Context, a Actor) (SharedSpace, error) {
	var sp SharedSpace
	sp.Chapter, _ = workbook.ChapterByNumber(CouplesChapter)
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, cc, err := s.mySpace(ctx, tx, a, opSpaceRead, access.Read)
		if err != nil || cc == nil {
			sp.Client = ch.Client
			return err
		}
		sp.Client, sp.Couple, sp.Partner, sp.Open = ch.Client, &cc.CoupleOf, cc.PartnerOf(ch.Client.ID), !cc.Ended()
		sp.Reflections, err = tx.CoupleReflections(ctx, cc.ClinicID, cc.ID)
		return err
	})
	if err != nil {
		return sp, err
	}
	id := ""
	if sp.Couple != nil {
		id = sp.Couple.ID
	}
	return sp, s.Record(ctx, a, audit.Entry{Action: opPortalRead.action, ResourceType: "couple_space", ResourceID: id, ClientID: a.P.ClientID})
}

// WriteSharedReflection adds the signed-in partner's reflection to their
// live couple's shared space; promptKey names the couples chapter's prompt
// it answers ("" for a free reflection).
func (s *Service) WriteSharedReflection(ctx context.Context, a Actor, promptKey, body string) (store.CoupleReflection, error) {
	var r store.CoupleReflection
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, cc, err := s.mySpace(ctx, tx, a, opSpaceWrite, access.Write)
		if err != nil {
			return err
		}
		if cc == nil {
			return problem.New(problem.Conflict, "You are not in couples work, so there is no shared space to write in.")
		}
		if promptKey != "" {
			if p, ok := workbook.PromptByID(promptKey); !ok || p.Chapter != CouplesChapter {
				return problem.Invalidf("prompt", "That prompt is not one of the couples chapter's.")
			}
		}
		r = store.CoupleReflection{ClinicID: cc.ClinicID, CoupleID: cc.ID, AuthorID: ch.Client.ID, PromptKey: promptKey, Body: strings.TrimSpace(body), CreatedAt: s.Now()}
		if err := tx.AddCoupleReflection(ctx, &r); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opSpaceWrite.action, ResourceType: "couple_reflection", ResourceID: r.ID, ClientID: ch.Client.ID})
	})
	return r, err
}

// inCouplesWork reports whether a client is in a live couple now.
func inCouplesWork(ctx context.Context, tx *store.Tx, c store.Client) (bool, error) {
	_, ok, err := tx.LiveCoupleOf(ctx, c.ClinicID, c.ID)
	return ok, err
}
