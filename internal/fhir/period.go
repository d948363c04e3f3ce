package fhir

// Period is a time range; either end may be open. Shared by every resource
// that has one.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Quantity is a measured amount, optionally with a comparator (<, <=, >=, >).
type Quantity struct {
	Value      float64 `json:"value"`
	Comparator string  `json:"comparator,omitempty"`
	Unit       string  `json:"unit,omitempty"`
}
