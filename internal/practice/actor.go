package practice

import (
	"time"

	"doorway/internal/access"
	"doorway/internal/store"
)

// Channel is the door a request came in by. The audit log records it, so a
// client's "who has looked at my record" can say "through a connected app".
type Channel string

const (
	Pages  Channel = "pages"  // a person at a browser
	API    Channel = "api"    // the FHIR API, with a bearer token
	System Channel = "system" // Doorway itself: scheduled work, the demo
)

// Actor is who asks, and from where: the principal that access decides on,
// with what the audit entry records of the request. The adapters make one
// per request (web from the session cookie, fhir from the bearer token).
type Actor struct {
	P access.Principal
	// Name is the person's name, for records that show who did something.
	Name string
	// Clinic is the principal's clinic: its zone is the clinic's calendar.
	Clinic    store.Clinic
	RequestID string
	IP        string
	// BaseURL is the site's public address, for links that are emailed.
	BaseURL string
	Channel Channel
	// Names, when set, names the records a use case touches as this
	// channel's callers know them in the audit log (the FHIR API calls a
	// blood-pressure reading Observation vs-bp-…). Nil keeps the practice's
	// own names.
	Names Namer

	// memo holds what one request reads once (the clinic's settings).
	memo *memo
}

// NewActor makes the Actor of one request.
func NewActor(p access.Principal, name string, clinic store.Clinic, requestID, ip string, ch Channel) Actor {
	return Actor{P: p, Name: name, Clinic: clinic, RequestID: requestID, IP: ip, Channel: ch, memo: &memo{}}
}

// Location is the clinic's time zone.
func (a Actor) Location() *time.Location { return a.Clinic.Location() }

// Namer names a practice record (its type, as the practice logs it, and
// id) as a channel's callers know it.
type Namer func(resourceType, id string) (string, string)

// memo is what a request keeps once read.
type memo struct {
	settings *Settings
}
