package app

import (
	"context"

	"doorway/internal/demo"
)

// SeedDemo seeds the demo practice unless it is there already, and returns
// its logins. The demo's history goes back months, each audit entry dated
// when its event happened, as the practice would have written it; this
// process wrote every one of them a moment ago, so it signs a checkpoint
// over them at once, as an instance running through those months would
// have, and `doorway audit verify` finds them covered. What the log held
// before is pinned first by the usual rules, so the demo never vouches for
// anything but its own entries.
func (m *Main) SeedDemo(ctx context.Context) ([]demo.Login, error) {
	m.pinAudit(ctx)
	logins, err := demo.Seed(ctx, m.Store, m.Hasher, m.Now())
	if err != nil {
		return nil, err
	}
	m.pin(ctx, true)
	return logins, nil
}
