package fhir

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/store"
)

// Patient is a client (CLINICAL.md §6), with only the fields Doorway fills.
type Patient struct {
	ResourceType         string         `json:"resourceType"`
	ID                   string         `json:"id"`
	Identifier           []Identifier   `json:"identifier,omitempty"`
	Active               *bool          `json:"active,omitempty"`
	Name                 []HumanName    `json:"name,omitempty"`
	Telecom              []ContactPoint `json:"telecom,omitempty"`
	BirthDate            string         `json:"birthDate,omitempty"`
	ManagingOrganization *Reference     `json:"managingOrganization,omitempty"`
}

// Identifier is a business identifier.
type Identifier struct {
	Use    string `json:"use,omitempty"`
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// HumanName is a person's name.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

// ContactPoint is an email address or telephone number.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Reference points at another resource, here by display text only.
type Reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

// clientIdentifierSystem scopes a client's id to its clinic, so identifiers
// from two Doorway clinics never collide in a system that holds both.
func clientIdentifierSystem(clinicID string) string {
	return "urn:doorway:clinic:" + clinicID + ":client"
}

// toPatient maps a client to a Patient.
func toPatient(c store.Client, clinic store.Clinic) Patient {
	// Doorway has no discharged state yet: every client record is in use.
	// A disabled portal account ends the client's sign-in, not their record.
	active := true
	p := Patient{
		ResourceType: "Patient",
		ID:           c.ID,
		Identifier:   []Identifier{{Use: "usual", System: clientIdentifierSystem(c.ClinicID), Value: c.ID}},
		Active:       &active,
		Name:         []HumanName{{Use: "official", Family: c.FamilyName, Given: nonEmpty(c.GivenName)}},
		BirthDate:    c.DateOfBirth,
	}
	if c.PreferredName != "" {
		p.Name = append(p.Name, HumanName{Use: "usual", Family: c.FamilyName, Given: []string{c.PreferredName}})
	}
	if c.Email != "" {
		p.Telecom = append(p.Telecom, ContactPoint{System: "email", Value: c.Email})
	}
	if c.Phone != "" {
		p.Telecom = append(p.Telecom, ContactPoint{System: "phone", Value: c.Phone})
	}
	if clinic.Name != "" {
		p.ManagingOrganization = &Reference{Display: clinic.Name}
	}
	return p
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func patientHit(c *caller, cl store.Client) hit {
	return hit{resource: toPatient(cl, c.Clinic), typ: "Patient", id: cl.ID, clientID: cl.ID}
}

// patientType registers Patient: read, search and $everything.
func (a *API) patientType() *resourceType {
	return &resourceType{
		name: "Patient",
		doc:  "A client of the clinic. Staff see the clients of their care teams (admins: the whole clinic); a client sees only themself.",
		read: a.readPatient,
		params: []searchParam{
			{"_id", "token", "The client's id; comma-separated ids match any."},
			{"name", "string", "Start of the given, family or preferred name, ignoring case; comma-separated values match any."},
			{"birthdate", "date", "Date of birth, as YYYY, YYYY-MM or YYYY-MM-DD with an optional prefix eq, ge, le, gt or lt; repeat for a range."},
			{"email", "token", "The client's email address, exactly (ignoring case)."},
		},
		sorts:  []string{"name", "birthdate"},
		search: a.searchPatients,
		operations: []operation{{
			name:       "everything",
			definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything",
			doc:        "Everything about one client that the caller may see, as a searchset Bundle. Takes no parameters but _format.",
			handle:     a.serveEverything,
		}},
	}
}

func (a *API) readPatient(ctx context.Context, c *caller, q practice.Asked) (hit, error) {
	rec, err := a.app.RecordsOf(ctx, c.actor, q, practice.Ref{Kind: practice.KindClient, ID: q.ID}, 0)
	if err != nil {
		return hit{}, err
	}
	return patientHit(c, rec.Client), nil
}

func (a *API) searchPatients(ctx context.Context, c *caller, s *searchQuery) (page, error) {
	var q store.ClientQuery
	none, err := patientFilters(s, &q)
	if err != nil || none {
		return page{}, err
	}
	for _, k := range s.sort {
		switch {
		case k.key == "name" && !k.desc:
			q.Sort = append(q.Sort, store.SortName)
		case k.key == "name":
			q.Sort = append(q.Sort, store.SortNameDesc)
		case k.key == "birthdate" && !k.desc:
			q.Sort = append(q.Sort, store.SortBirthDate)
		case k.key == "birthdate":
			q.Sort = append(q.Sort, store.SortBirthDateDesc)
		}
	}
	q.Limit, q.Offset = s.count, s.offset
	clients, total, err := a.app.SearchClients(ctx, c.actor, s.scope, q)
	if err != nil {
		return page{}, err
	}
	p := page{total: total}
	for _, cl := range clients {
		p.hits = append(p.hits, patientHit(c, cl))
	}
	return p, nil
}

// patientFilters turns Patient's search parameters into the store query.
// none reports a combination that can match nothing (disjoint ids, an empty
// date range), answered without asking the database.
func patientFilters(s *searchQuery, q *store.ClientQuery) (none bool, err error) {
	var emailSets [][]string
	names := slices.Sorted(maps.Keys(s.values))
	for _, name := range names {
		for _, v := range s.values[name] {
			switch name {
			case "_id":
				alts, err := splitValues(name, v)
				if err != nil {
					return false, err
				}
				q.IDs = narrowIDs(q.IDs, alts, "")
			case "name":
				alts, err := splitValues(name, v)
				if err != nil {
					return false, err
				}
				q.Names = append(q.Names, alts)
			case "email":
				alts, err := splitValues(name, v)
				if err != nil {
					return false, err
				}
				for i := range alts {
					alts[i] = store.NormalizeEmail(alts[i])
				}
				emailSets = append(emailSets, alts)
			case "birthdate":
				if err := narrowDays(name, v, &q.BirthFrom, &q.BirthTo); err != nil {
					return false, err
				}
			default:
				// A parameter listed in patientType but not handled here
				// would be ignored, widening the search: fail instead.
				return false, fmt.Errorf("patient search: parameter %s is declared but not handled", name)
			}
		}
	}
	// Repeated parameters are ANDed (FHIR), so repeated id or email lists
	// narrow to the values common to all of them.
	if q.IDs != nil && len(q.IDs) == 0 {
		return true, nil
	}
	if len(emailSets) > 0 {
		if q.Emails = intersect(emailSets); len(q.Emails) == 0 {
			return true, nil
		}
	}
	if q.BirthFrom != "" && q.BirthTo != "" && q.BirthFrom > q.BirthTo {
		return true, nil
	}
	return false, nil
}

// narrowIDs narrows ids (nil until a first id parameter) to the values of
// one more id parameter, each with prefix trimmed: repeats are ANDed, and a
// value not spelt as an id matches nothing. What is left of a narrowing is
// never nil, so an empty result says that nothing can match.
func narrowIDs(ids, values []string, prefix string) []string {
	out := []string{}
	for _, v := range values {
		id := strings.TrimPrefix(v, prefix)
		if auth.ValidID(id) && (ids == nil || slices.Contains(ids, id)) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// intersect returns the values present in every set, in the first set's order.
func intersect(sets [][]string) []string {
	var out []string
	for _, v := range sets[0] {
		in := true
		for _, s := range sets[1:] {
			in = in && slices.Contains(s, v)
		}
		if in && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
