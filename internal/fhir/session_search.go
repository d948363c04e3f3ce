package fhir

import (
	"context"

	"doorway/internal/auth"
	"doorway/internal/practice"
)

// sessionRecords adapts a builder of session resources to the read, search
// and $everything machinery of preparation.go: the client's sessions are
// loaded once and that kind is built from them.
func (a *API) sessionRecords(build func(clientSessions) []prepRecord) recordsOf {
	return recordsOf{parts: practice.PartSessions, build: func(c *caller, rec practice.ClientRecords) []prepRecord {
		return build(a.sessionsOf(c, rec))
	}}
}

// sessionsOf is the client's sessions as the resources are built from them.
func (a *API) sessionsOf(c *caller, rec practice.ClientRecords) clientSessions {
	return clientSessions{client: rec.Client, clinic: c.Clinic, appts: rec.Appointments, records: rec.SessionRecords,
		names: rec.StaffNames, now: a.now()}
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

// sessionParams are the search parameters of a session resource: the
// preparation types' patient and subject, the date (what it reads is
// named), and the type's token parameters.
func sessionParams(date string, tokens ...searchParam) []searchParam {
	return withParams(append([]searchParam{{"date", "date", date + "," + prepDateDoc}}, tokens...)...)
}

// sessionsEverything adds a client's Encounters, doses, vital signs and
// adverse events to Patient/$everything.
func (a *API) sessionsEverything(_ context.Context, c *caller, rec practice.ClientRecords) []hit {
	cs := a.sessionsOf(c, rec)
	var out []hit
	for _, build := range []func(clientSessions) []prepRecord{clientSessions.encounters, clientSessions.administrations,
		clientSessions.vitalSigns, clientSessions.adverseEvents} {
		for _, r := range build(cs) {
			out = append(out, r.hit)
		}
	}
	return out
}

// statusToken is a status as a token parameter reads it.
func statusToken(system, code string) []Coding { return []Coding{{System: system, Code: code}} }
