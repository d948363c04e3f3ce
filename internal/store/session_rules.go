package store

import (
	"context"

	"doorway/internal/session"
)

// SessionRules are one clinic's rules for medicine sessions: dose units and
// usual ranges per route, pre-dose, alert and discharge limits
// (session.Settings), and the monitoring protocol. Every page and API that
// checks a dose, evaluates vitals or discharges a client reads them here, so
// a clinic's edit takes effect everywhere at once.
type SessionRules struct {
	Settings session.Settings
	Protocol session.Protocol
}

// SessionRules loads the clinic's session rules. Until a clinic edits them
// they are CLINICAL.md's defaults.
func (t *Tx) SessionRules(ctx context.Context, clinicID string) (SessionRules, error) {
	return SessionRules{Settings: session.DefaultSettings(), Protocol: session.DefaultProtocol()}, nil
}
