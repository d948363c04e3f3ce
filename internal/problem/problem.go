// Package problem holds Doorway's one error type: a code that the web and FHIR
// layers map to a status, and a message that is always safe to show a person.
// Anything else (driver errors, panics, I/O failures) is internal: it is logged
// with the request id and the person sees only a plain apology.
package problem

import (
	"errors"
	"fmt"
)

// Code classifies an error for the layers that answer people.
type Code string

const (
	Invalid       Code = "invalid"       // bad input; the message says what to fix
	NotFound      Code = "not_found"     // absent, or outside the caller's scope
	Conflict      Code = "conflict"      // clashes with what is stored (duplicate email, a signed record)
	Unauthorized  Code = "unauthorized"  // not signed in, or credentials wrong
	TooMany       Code = "too_many"      // throttled
	Unavailable   Code = "unavailable"   // a dependency is down (database, SMTP)
	Internal      Code = "internal"      // a bug or an unexpected failure; never shown in detail
	Unprocessable Code = "unprocessable" // well-formed but clinically or structurally unacceptable (FHIR 422)
)

// Error is an error whose Message may be shown to the person who caused it.
type Error struct {
	Code    Code
	Message string
	// Field names the input that was wrong, where there is one (a form field or a FHIR linkId).
	Field string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// New makes an Error with a safe message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalidf is the common case: input that a person should correct.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Message: fmt.Sprintf(format, args...), Field: field}
}

// CodeOf returns the code of err, Internal for anything that is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return Internal
}

// MessageOf returns a message that is safe to show: the Error's own, or a plain
// apology for anything internal.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again; if it keeps happening, tell your clinic and quote the request id."
}

// FieldOf returns the field an error names, if any.
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
