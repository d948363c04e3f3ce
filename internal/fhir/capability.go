package fhir

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CapabilityStatement says what this server does. It is generated from the
// registry of resource types, so it can list nothing the server does not do.
type CapabilityStatement struct {
	ResourceType   string       `json:"resourceType"`
	Status         string       `json:"status"`
	Date           string       `json:"date"`
	Publisher      string       `json:"publisher,omitempty"`
	Kind           string       `json:"kind"`
	Software       *CapSoftware `json:"software,omitempty"`
	Implementation *CapImpl     `json:"implementation,omitempty"`
	FHIRVersion    string       `json:"fhirVersion"`
	Format         []string     `json:"format"`
	Rest           []CapRest    `json:"rest"`
}

// CapSoftware names the software.
type CapSoftware struct {
	Name string `json:"name"`
}

// CapImpl names this instance.
type CapImpl struct {
	Description string `json:"description"`
	URL         string `json:"url,omitempty"`
}

// CapRest is the server's REST behaviour.
type CapRest struct {
	Mode          string         `json:"mode"`
	Documentation string         `json:"documentation,omitempty"`
	Security      *CapRestSecure `json:"security,omitempty"`
	Resource      []CapResource  `json:"resource"`
}

// CapRestSecure describes authentication.
type CapRestSecure struct {
	CORS        bool              `json:"cors"`
	Service     []CodeableConcept `json:"service,omitempty"`
	Description string            `json:"description,omitempty"`
}

// CodeableConcept is a concept as codes and, or instead, text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// CapResource is one served resource type.
type CapResource struct {
	Type          string           `json:"type"`
	Profile       string           `json:"profile,omitempty"`
	Documentation string           `json:"documentation,omitempty"`
	Interaction   []CapInteraction `json:"interaction"`
	SearchParam   []CapSearchParam `json:"searchParam,omitempty"`
	Operation     []CapOperation   `json:"operation,omitempty"`
}

// CapInteraction is read, search-type, and so on.
type CapInteraction struct {
	Code string `json:"code"`
}

// CapSearchParam is one search parameter.
type CapSearchParam struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	Documentation string `json:"documentation,omitempty"`
}

// CapOperation is one operation.
type CapOperation struct {
	Name          string `json:"name"`
	Definition    string `json:"definition"`
	Documentation string `json:"documentation,omitempty"`
}

// capabilities serves GET /metadata; it needs no token, as FHIR clients
// read it before they authenticate.
func (a *API) capabilities(w http.ResponseWriter, r *http.Request, _ *caller) {
	if err := onlyFormat(r); err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeResource(w, r, http.StatusOK, a.capabilityStatement(r))
}

func (a *API) capabilityStatement(r *http.Request) CapabilityStatement {
	rest := CapRest{
		Mode: "server",
		Documentation: "Every search is strict: an unknown parameter, modifier, prefix or _sort key is answered 400. " +
			"Searches take _count (default " + strconv.Itoa(defaultCount) + ", at most " + strconv.Itoa(maxCount) + ") and page through " +
			"the next and previous links. A record outside the caller's scope answers 404, as if absent.",
		Security: &CapRestSecure{
			Service:     []CodeableConcept{{Text: "Bearer token"}},
			Description: "Send Authorization: Bearer <token>, a token made with `doorway token create` or on the account page. A token sees exactly what its user sees.",
		},
	}
	for _, t := range a.types {
		res := CapResource{Type: t.name, Profile: "http://hl7.org/fhir/StructureDefinition/" + t.name, Documentation: t.doc}
		if t.read != nil {
			res.Interaction = append(res.Interaction, CapInteraction{Code: "read"})
		}
		if t.create != nil {
			res.Interaction = append(res.Interaction, CapInteraction{Code: "create"})
		}
		if t.search != nil {
			res.Interaction = append(res.Interaction, CapInteraction{Code: "search-type"})
			for _, p := range t.params {
				res.SearchParam = append(res.SearchParam, CapSearchParam{Name: p.name, Type: p.typ, Documentation: p.doc})
			}
			if len(t.sorts) > 0 {
				res.Documentation = strings.TrimSpace(res.Documentation + " _sort accepts " + strings.Join(t.sorts, ", ") + ", each with - for descending.")
			}
		}
		for _, op := range t.operations {
			res.Operation = append(res.Operation, CapOperation{Name: op.name, Definition: op.definition, Documentation: op.doc})
		}
		rest.Resource = append(rest.Resource, res)
	}
	return CapabilityStatement{
		ResourceType:   "CapabilityStatement",
		Status:         "active",
		Date:           a.now().Format(time.RFC3339),
		Publisher:      "Doorway",
		Kind:           "instance",
		Software:       &CapSoftware{Name: "Doorway"},
		Implementation: &CapImpl{Description: "Doorway FHIR R4 API", URL: a.base(r)},
		FHIRVersion:    "4.0.1",
		Format:         []string{"application/fhir+json"},
		Rest:           []CapRest{rest},
	}
}
