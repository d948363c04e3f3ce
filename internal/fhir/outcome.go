package fhir

import (
	"bytes"
	"encoding/json"
	"net/http"

	"doorway/internal/problem"
)

// OperationOutcome is how every error is answered.
type OperationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []Issue `json:"issue"`
}

// Issue is one problem in an OperationOutcome.
type Issue struct {
	Severity    string `json:"severity"`
	Code        string `json:"code"`
	Diagnostics string `json:"diagnostics,omitempty"`
	// Expression points at the element at fault, as FHIRPath.
	Expression []string `json:"expression,omitempty"`
}

// Issue type codes (http://hl7.org/fhir/issue-type) that Doorway uses.
const (
	issueInvalid      = "invalid"
	issueNotFound     = "not-found"
	issueNotSupported = "not-supported"
	issueLogin        = "login"
	issueForbidden    = "forbidden"
	issueConflict     = "conflict"
	issueThrottled    = "throttled"
	issueTransient    = "transient"
	issueProcessing   = "processing"
	issueException    = "exception"
)

// contentType is the only format served.
const contentType = "application/fhir+json; charset=utf-8"

// writeResource encodes v in full before writing anything, so an encoding
// failure can still be answered with a clean 500.
func (a *API) writeResource(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		a.log.Error("fhir encode", "request_id", requestID(r.Context()), "err", err)
		a.internal(w, r)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}

// fail answers an OperationOutcome with one error issue.
func (a *API) fail(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	a.writeResource(w, r, status, OperationOutcome{ResourceType: "OperationOutcome",
		Issue: []Issue{{Severity: "error", Code: code, Diagnostics: message}}})
}

// internal answers a failure that is ours: a plain message and the request
// id to quote, nothing of what went wrong.
func (a *API) internal(w http.ResponseWriter, r *http.Request) {
	msg := problem.MessageOf(nil)
	if id := requestID(r.Context()); id != "" {
		msg += " Request id: " + id + "."
	}
	// Not writeResource: this must not be able to fail in turn.
	body, _ := json.Marshal(OperationOutcome{ResourceType: "OperationOutcome",
		Issue: []Issue{{Severity: "error", Code: issueException, Diagnostics: msg}}})
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusInternalServerError)
	w.Write(append(body, '\n')) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}

// problem maps the one error type to a status and an issue code. Anything
// that is not a problem.Error is internal: logged in full, answered plainly.
func (a *API) problem(w http.ResponseWriter, r *http.Request, err error) {
	var status int
	var code string
	switch problem.CodeOf(err) {
	case problem.Invalid:
		status, code = http.StatusBadRequest, issueInvalid
	case problem.NotFound:
		status, code = http.StatusNotFound, issueNotFound
	case problem.Unauthorized:
		status, code = http.StatusUnauthorized, issueLogin
	case problem.Conflict:
		status, code = http.StatusConflict, issueConflict
	case problem.TooMany:
		status, code = http.StatusTooManyRequests, issueThrottled
	case problem.Unavailable:
		status, code = http.StatusServiceUnavailable, issueTransient
	case problem.Unprocessable:
		status, code = http.StatusUnprocessableEntity, issueProcessing
	default:
		a.log.Error("fhir internal error", "request_id", requestID(r.Context()), "path", r.URL.Path, "err", err)
		a.internal(w, r)
		return
	}
	a.fail(w, r, status, code, problem.MessageOf(err))
}
