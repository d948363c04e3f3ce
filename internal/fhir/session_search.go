package fhir

import (
	"context"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// sessionRecords adapts a builder of session resources to the search and
// $everything machinery of preparation.go: it loads the client's sessions
// once and builds that kind from them.
func (a *API) sessionRecords(build func(clientSessions) []prepRecord) recordsOf {
	return func(ctx context.Context, tx *store.Tx, c *caller, cl store.Client, ld *loaded) ([]prepRecord, error) {
		// Staff are named from the clinic's own staff list only.
		names, err := ld.staffNames(ctx, tx, cl.ClinicID)
		if err != nil {
			return nil, err
		}
		cs, err := loadClientSessions(ctx, tx, c.Clinic, cl, names, a.now())
		if err != nil {
			return nil, err
		}
		return build(cs), nil
	}
}

// sessionResourceID reports whether an id is spelt as a session resource's:
// an Encounter's, a record's or part's id, or a vital sign's.
func sessionResourceID(id string) bool {
	if _, _, ok := splitEncounterID(id); ok {
		return true
	}
	if _, rest, ok := splitVitalID(id); ok {
		return auth.ValidID(rest)
	}
	return auth.ValidID(id)
}

// sessionRead reads one session resource: locate names the client it is
// about (NotFound if there is none), the access decision is asked about
// that client as for Patient, and the resource is then built from the
// client's sessions exactly as a search builds it.
func (a *API) sessionRead(locate func(ctx context.Context, tx *store.Tx, c *caller, id string) (string, error),
	build func(clientSessions) []prepRecord) func(context.Context, *caller, string) (hit, error) {
	return func(ctx context.Context, c *caller, id string) (hit, error) {
		if !sessionResourceID(id) {
			return hit{}, problem.New(problem.NotFound, "There is no such record.")
		}
		var clientID string
		if err := a.st.Read(ctx, func(tx *store.Tx) (err error) { clientID, err = locate(ctx, tx, c, id); return err }); err != nil {
			return hit{}, err
		}
		cl, err := a.clientInScope(ctx, c, clientID)
		if err != nil {
			return hit{}, err
		}
		var rs []prepRecord
		err = a.st.Read(ctx, func(tx *store.Tx) (err error) {
			rs, err = a.sessionRecords(build)(ctx, tx, c, cl, newLoaded())
			return err
		})
		if err != nil {
			return hit{}, err
		}
		for _, r := range rs {
			if r.id == id {
				return r.hit, nil
			}
		}
		return hit{}, problem.New(problem.NotFound, "There is no such record.")
	}
}

// sessionParams are the search parameters of a session resource: the
// preparation types' patient and subject, the date (what it reads is
// named), and the type's token parameters.
func sessionParams(date string, tokens ...searchParam) []searchParam {
	return withParams(append([]searchParam{{"date", "date", date + "," + prepDateDoc}}, tokens...)...)
}

// sessionsEverything adds a client's Encounters, doses, vital signs and
// adverse events to Patient/$everything.
func (a *API) sessionsEverything(ctx context.Context, c *caller, cl store.Client) ([]hit, error) {
	var out []hit
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		names, err := newLoaded().staffNames(ctx, tx, cl.ClinicID)
		if err != nil {
			return err
		}
		cs, err := loadClientSessions(ctx, tx, c.Clinic, cl, names, a.now())
		if err != nil {
			return err
		}
		for _, build := range []func(clientSessions) []prepRecord{clientSessions.encounters, clientSessions.administrations,
			clientSessions.vitalSigns, clientSessions.adverseEvents} {
			for _, r := range build(cs) {
				out = append(out, r.hit)
			}
		}
		return nil
	})
	return out, err
}

// statusToken is a status as a token parameter reads it.
func statusToken(system, code string) []Coding { return []Coding{{System: system, Code: code}} }
