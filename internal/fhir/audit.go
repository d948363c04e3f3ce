package fhir

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// record appends audit entries in one write transaction. It is called before
// the response is written and a failure fails the request: client data is
// never served without its audit entry. c is nil for an anonymous caller.
func (a *API) record(r *http.Request, c *caller, entries ...audit.Entry) error {
	// The entry is written even if the client has gone away meanwhile.
	ctx := context.WithoutCancel(r.Context())
	for i := range entries {
		a.fillAudit(r, c, &entries[i])
	}
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		for i := range entries {
			if err := tx.AppendAudit(ctx, &entries[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// Keep the audit failure internal whatever its code: the caller must
		// not learn about the log, only that the request failed.
		a.log.Error("fhir audit append failed", "request_id", requestID(r.Context()), "action", entries[0].Action, "err", err)
		return fmt.Errorf("audit: %v", err) // %v, not %w: whatever the store said stays internal
	}
	return nil
}

func (a *API) fillAudit(r *http.Request, c *caller, e *audit.Entry) {
	e.Time = a.now()
	e.RequestID = requestID(r.Context())
	e.IP = remoteIP(r)
	if c == nil {
		e.ActorKind, e.ActorID = audit.ActorAnonymous, ""
	} else {
		e.ActorID, e.ActorKind = c.User.ID, audit.ActorKind(c.P.Kind)
		e.ClinicID = c.P.ClinicID
	}
	if e.Outcome == "" {
		e.Outcome = audit.OK
	}
	if e.Severity == "" {
		e.Severity = audit.Info
	}
}

// recordSearch writes one entry per client whose data a search returned, so
// each client's accounting of access shows the search; a search that
// returned nothing still leaves one entry.
func (a *API) recordSearch(r *http.Request, c *caller, action, typ string, p page) error {
	detail := fmt.Sprintf("%d returned of %d matching", len(p.hits), p.total)
	var entries []audit.Entry
	for _, h := range p.hits {
		entries = append(entries, audit.Entry{Action: action, ResourceType: typ, ResourceID: h.id, ClientID: h.clientID, Detail: detail})
	}
	if len(entries) == 0 {
		entries = append(entries, audit.Entry{Action: action, ResourceType: typ, Detail: detail})
	}
	return a.record(r, c, entries...)
}

// deny audits a refused or failed lookup of one record and answers 404 with
// nothing of the record. The log tells out of scope from absent; the caller
// cannot.
func (a *API) deny(w http.ResponseWriter, r *http.Request, c *caller, action, typ, id string, err error) {
	detail := "no such record"
	if errors.Is(err, errOutOfScope) {
		detail = "out of scope"
	}
	if !wellFormedID(id) {
		// Only well-formed ids go into the log; anything else in a URL is
		// the caller's text.
		id, detail = "", "malformed id"
	}
	if e := a.record(r, c, audit.Entry{Action: action, ResourceType: typ, ResourceID: id, Outcome: audit.Denied, Detail: detail}); e != nil {
		a.problem(w, r, e)
		return
	}
	a.problem(w, r, problem.New(problem.NotFound, "There is no %s with that id, or you may not see it.", typ))
}

// remoteIP is the address the request came from. Like the web layer, it
// trusts the connection rather than forwarded headers.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// resourceNames names the records the use cases log as the API's callers
// know them, so the log of an API request speaks FHIR: a client is a
// Patient, a blood-pressure reading is Observation vs-bp-….
func resourceNames(typ, id string) (string, string) {
	switch typ {
	case "client":
		return "Patient", id
	case "session_vitals.bp":
		return "Observation", vitalID(vitalBP, id)
	case "session_vitals.hr":
		return "Observation", vitalID(vitalHR, id)
	case "session_vitals.spo2":
		return "Observation", vitalID(vitalSpO2, id)
	case "session_weight":
		return "Observation", weightObservationID(id)
	case "instrument_response":
		return "QuestionnaireResponse", id
	}
	return typ, id
}
