package fhir

import (
	"net"
	"net/http"
)

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
