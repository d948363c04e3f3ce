package fhir

// Period is a time range; either end may be open. Shared by every resource
// that has one.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Quantity is a measured amount, optionally with a comparator (<, <=, >=, >),
// and its unit coded where it has a code (UCUM for doses).
type Quantity struct {
	Value      float64 `json:"value"`
	Comparator string  `json:"comparator,omitempty"`
	Unit       string  `json:"unit,omitempty"`
	System     string  `json:"system,omitempty"`
	Code       string  `json:"code,omitempty"`
}

// Annotation is a note on a resource (a dosing order's notes, a comment on
// a dose given or a reading), with when it was written where that is known.
type Annotation struct {
	Text string `json:"text"`
	Time string `json:"time,omitempty"`
}
