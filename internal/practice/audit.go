package practice

import (
	"context"
	"errors"
	"strings"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// op names what a use case does, as the audit log says it: its own action
// for the pages, and the FHIR type and interaction when it came through the
// API, so the log (and a client's accounting of access) says which door a
// change came in by.
type op struct {
	action   string // "medicine_session.vitals"
	fhirType string // "Observation"; "" when the API has no such interaction
	fhirVerb string // "create"
}

// actionOf is the action an op is logged under for this actor.
func (a Actor) actionOf(o op) string {
	if a.Channel == API && o.fhirType != "" {
		return FHIRAction(o.fhirType, o.fhirVerb)
	}
	return o.action
}

// FHIRAction is the audit action of a FHIR interaction: fhir.<type>.<verb>.
func FHIRAction(typ, verb string) string { return "fhir." + strings.ToLower(typ) + "." + verb }

// fill completes an entry with who, where and when, naming its resource
// as the actor's channel knows it.
func (s *Service) fill(a Actor, e *audit.Entry) {
	if a.Names != nil && e.ResourceType != "" {
		e.ResourceType, e.ResourceID = a.Names(e.ResourceType, e.ResourceID)
	}
	e.Time = s.Now()
	e.RequestID, e.IP = a.RequestID, a.IP
	if e.ActorID == "" {
		e.ActorID = a.P.UserID
		e.ActorKind = audit.ActorKind(a.P.Kind)
		switch {
		case a.Channel == System && a.P.UserID == "":
			e.ActorKind = audit.ActorSystem
		case a.P.Kind == "" || a.P.UserID == "":
			e.ActorKind = audit.ActorAnonymous
		}
	}
	if e.ClinicID == "" {
		e.ClinicID = a.P.ClinicID
	}
	if e.Outcome == "" {
		e.Outcome = audit.OK
	}
	if e.Severity == "" {
		e.Severity = audit.Info
	}
}

// appendTx appends entries inside the caller's write transaction, so a
// change and its record commit together or not at all.
func (s *Service) appendTx(ctx context.Context, tx *store.Tx, a Actor, entries ...audit.Entry) error {
	for i := range entries {
		s.fill(a, &entries[i])
		if err := tx.AppendAudit(ctx, &entries[i]); err != nil {
			return err
		}
	}
	return nil
}

// Record appends entries in a transaction of their own: reads, searches,
// refusals. It is called before the response is written and fails closed:
// client data is never served without its entry, and an entry that cannot
// be written answers as Unavailable, whatever the store said, so nothing of
// the log reaches the caller.
func (s *Service) Record(ctx context.Context, a Actor, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	for i := range entries {
		s.fill(a, &entries[i])
	}
	// Committed with the entries of other reads arriving at the same time
	// (store.RecordAudit): one durable write serves them all, and this
	// returns only once these are durable.
	if err := s.st.RecordAudit(ctx, entries); err != nil {
		s.log.Error("audit append failed", "request_id", a.RequestID, "action", entries[0].Action, "err", err)
		return errUnrecorded
	}
	return nil
}

// errUnrecorded answers a request whose audit entry could not be written.
var errUnrecorded = problem.New(problem.Unavailable, "Doorway could not record this request in its audit log, so it was not served. Please try again in a moment.")

// refusal is an access refusal found inside a use case: the answer is a
// NotFound, as if the thing did not exist, and the entry that records it is
// appended after the use case's transaction has rolled back.
type refusal struct {
	entry audit.Entry
	err   *problem.Error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// refuse makes the refusal of o on a resource: denied, with detail saying
// why for the log ("out of scope", "no such record"). msg is what the
// person is told; the same for absent and refused.
func (s *Service) refuse(a Actor, o op, resourceType, resourceID, detail, msg string) error {
	e := audit.Entry{Action: "access.denied", ResourceType: resourceType, ResourceID: resourceID, Outcome: audit.Denied, Detail: detail}
	if a.Channel == API && o.fhirType != "" {
		e.Action = a.actionOf(o)
	}
	return &refusal{entry: e, err: problem.New(problem.NotFound, "%s", msg)}
}

// settle records the refusal err carries, if any, once its transaction is
// over, and returns err as the caller should see it: a NotFound that is
// already in the log (Recorded).
func (s *Service) settle(ctx context.Context, a Actor, err error) error {
	var r *refusal
	if !errors.As(err, &r) {
		return err
	}
	if rerr := s.Record(ctx, a, r.entry); rerr != nil {
		return rerr
	}
	return recorded{r.err}
}

// recorded is a refusal already in the audit log.
type recorded struct{ err *problem.Error }

func (r recorded) Error() string { return r.err.Error() }
func (r recorded) Unwrap() error { return r.err }

// Recorded reports whether err is a refusal the use case has already
// recorded, so an adapter answers it without recording it again.
func Recorded(err error) bool {
	var r recorded
	return errors.As(err, &r)
}

// read runs fn in a read-only snapshot; a refusal inside is recorded.
func (s *Service) read(ctx context.Context, a Actor, fn func(tx *store.Tx) error) error {
	return s.settle(ctx, a, s.st.Read(ctx, fn))
}

// write runs fn in one write transaction; a refusal inside rolls it back
// and is then recorded on its own.
func (s *Service) write(ctx context.Context, a Actor, fn func(tx *store.Tx) error) error {
	return s.settle(ctx, a, s.st.Write(ctx, fn))
}

// Deny records a refusal made outside any use case's transaction (a route
// a principal's kind may never use, an action on nothing it may touch) and
// returns the NotFound to answer with, already recorded.
func (s *Service) Deny(ctx context.Context, a Actor, resourceType, resourceID, detail string) error {
	e := audit.Entry{Action: "access.denied", ResourceType: resourceType, ResourceID: resourceID, Outcome: audit.Denied, Detail: detail}
	return s.settle(ctx, a, &refusal{entry: e, err: problem.New(problem.NotFound, "Not found.")})
}
