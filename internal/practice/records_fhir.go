package practice

import (
	"context"
	"errors"
	"fmt"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// The API's reads and searches: the log of each names what was asked for
// as the caller asked for it (a CarePlan plan-…, an Observation score-…),
// which only the API knows, so the adapter says it (Asked) and the use
// cases record by it.

// Asked is a read or search through the API as its caller put it: the
// FHIR resource type, the interaction (read, search, everything) and, for
// a read, the id. A refusal is recorded under it, and so is what was
// served. ID is "" when the id asked for is not spelt as the API spells
// ids: only well-formed ids reach the log, anything else is the caller's
// text.
type Asked struct {
	Type string // "CarePlan"
	Verb string // "read"
	ID   string // "plan-…"
}

func (q Asked) action() string { return FHIRAction(q.Type, q.Verb) }

// op is the interaction as a use case's op, for chartFor.
func (q Asked) op() op { return op{action: q.action(), fhirType: q.Type, fhirVerb: q.Verb} }

// notFoundRecord is what the caller of a read is told of a record that is
// absent or that they may not see; the adapter may say it its own way.
const notFoundRecord = "There is no such record, or you may not see it."

// named renames a refusal after what was asked: the log says which record
// was asked for and why it was refused, not only whose it is. An id the
// adapter did not find well formed is "malformed id"; an id it did, that
// names nothing of the practice's, "no such record".
func (q Asked) named(err error) error {
	var r *refusal
	if !errors.As(err, &r) {
		return err
	}
	r.entry.Action, r.entry.ResourceType, r.entry.ResourceID = q.action(), q.Type, q.ID
	switch {
	case q.ID == "":
		r.entry.Detail = "malformed id"
	case r.entry.Detail == "malformed id":
		r.entry.Detail = "no such record"
	}
	return err
}

// refuseAsked is the refusal of what was asked, with detail saying why.
func (s *Service) refuseAsked(a Actor, q Asked, detail string) error {
	return q.named(s.refuse(a, q.op(), q.Type, q.ID, detail, notFoundRecord))
}

// chartAsked loads the client a record asked for is about and asks access
// whether the actor may read their record; a refusal names the record.
func (s *Service) chartAsked(ctx context.Context, tx *store.Tx, a Actor, q Asked, clientID string) (chart, error) {
	ch, err := s.chartFor(ctx, tx, a, q.op(), clientID, access.ClientRecord, access.Read)
	return ch, q.named(err)
}

// NoSuchRecord records a read the adapter found names nothing (an id of
// another type's spelling, a record that is not among its client's) and
// answers it as a recorded NotFound, like any refusal.
func (s *Service) NoSuchRecord(ctx context.Context, a Actor, q Asked) error {
	return s.settle(ctx, a, s.refuseAsked(a, q, "no such record"))
}

// Found is one record a read or search served, by its id as the caller
// knows it, and the client it is about ("" for none, such as a
// Questionnaire), so the client's accounting of access shows who read it.
type Found struct {
	ID       string
	ClientID string
}

// RecordRead records a read through the API, before the record is sent;
// detail may say more (how much $everything gathered). It fails closed.
func (s *Service) RecordRead(ctx context.Context, a Actor, q Asked, f Found, detail string) error {
	return s.Record(ctx, a, audit.Entry{Action: q.action(), ResourceType: q.Type, ResourceID: f.ID, ClientID: f.ClientID, Detail: detail})
}

// RecordSearch records a search through the API, before its page is sent:
// one entry for each client whose records it returned (as the IHE Basic
// Audit Log Patterns record a query: per request and patient), saying how
// many of theirs, so each client's accounting of access shows the search
// once; and one entry when it returned nothing. total is how many matched
// over all pages. It fails closed.
func (s *Service) RecordSearch(ctx context.Context, a Actor, q Asked, found []Found, total int) error {
	type tally struct {
		n  int
		id string // the one record returned, when there was one
	}
	var order []string
	per := map[string]*tally{}
	for _, f := range found {
		t, ok := per[f.ClientID]
		if !ok {
			t = &tally{id: f.ID}
			per[f.ClientID] = t
			order = append(order, f.ClientID)
		}
		t.n++
	}
	var entries []audit.Entry
	for _, clientID := range order {
		t := per[clientID]
		e := audit.Entry{Action: q.action(), ResourceType: q.Type, ClientID: clientID,
			Detail: fmt.Sprintf("%d of this client's returned; %d returned of %d matching", t.n, len(found), total)}
		if t.n == 1 {
			e.ResourceID = t.id
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		entries = append(entries, audit.Entry{Action: q.action(), ResourceType: q.Type, Detail: fmt.Sprintf("0 returned of %d matching", total)})
	}
	return s.Record(ctx, a, entries...)
}

// Instruments are the instruments the actor's clinic uses, in catalogue
// order. The others (QIDS-SR16 and the C-SSRS by default) wait for the
// clinic to confirm a licence for electronic use, and serving their text is
// such a use. They are about no client: anyone signed in reads them.
func (s *Service) Instruments(ctx context.Context, a Actor) ([]*measures.Instrument, error) {
	var out []*measures.Instrument
	err := s.read(ctx, a, func(tx *store.Tx) error {
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		for _, in := range measures.All() {
			if st.InstrumentEnabled(in) {
				out = append(out, in)
			}
		}
		return nil
	})
	return out, err
}
