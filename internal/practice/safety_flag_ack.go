package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

var opAcknowledgeFlag = op{action: "safety_flag.acknowledge"}

// notFoundFlag is what a person is told of a safety flag they may not
// acknowledge, or that is not the client's.
const notFoundFlag = "That safety flag was not found."

// AcknowledgeFlag closes a client's open safety flag with the clinician's
// note saying what was done. A clinician on the client's care team
// acknowledges it; a flag that is not this client's is refused as absent,
// and one already acknowledged is a Conflict: the first note stands. The
// note is required (problem.Invalid at "note").
func (s *Service) AcknowledgeFlag(ctx context.Context, a Actor, clientID, flagID, note string) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opAcknowledgeFlag, clientID, access.SafetyFlag, access.Write)
		if err != nil {
			return err
		}
		if !auth.ValidID(flagID) {
			return s.refuse(a, opAcknowledgeFlag, "safety_flag", "", "malformed id", notFoundFlag)
		}
		c := ch.Client
		err = tx.AcknowledgeFlag(ctx, c.ClinicID, c.ID, flagID, a.P.UserID, note, now)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opAcknowledgeFlag, "safety_flag", flagID, "no such record", notFoundFlag)
		}
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: a.actionOf(opAcknowledgeFlag), ResourceType: "safety_flag", ResourceID: flagID,
			ClientID: c.ID, Severity: audit.High})
	})
}
