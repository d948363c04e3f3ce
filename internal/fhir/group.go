package fhir

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"doorway/internal/practice"
)

// A couple as FHIR (CLINICAL.md §6): a Group of two Patient members, read
// and searched. Each partner stays a Patient of their own; the Group says
// only that the two are (or were) in couples work together, from when to
// when. Nothing of either partner's record is in it.

// Group is a couple.
type Group struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Identifier   []Identifier     `json:"identifier,omitempty"`
	Active       *bool            `json:"active,omitempty"`
	Type         string           `json:"type"`
	Actual       bool             `json:"actual"`
	Code         *CodeableConcept `json:"code,omitempty"`
	Name         string           `json:"name,omitempty"`
	Quantity     int              `json:"quantity"`
	Member       []GroupMember    `json:"member,omitempty"`
}

// GroupMember is one partner, with the time the couple was (or is) in
// couples work.
type GroupMember struct {
	Entity   Reference `json:"entity"`
	Period   *Period   `json:"period,omitempty"`
	Inactive bool      `json:"inactive,omitempty"`
}

// coupleSystem codes what a Doorway Group is.
const coupleSystem = "urn:doorway:group-kind"

func coupleIdentifierSystem(clinicID string) string {
	return "urn:doorway:clinic:" + clinicID + ":couple"
}

func toGroup(c practice.CoupleOf) Group {
	active := !c.Ended()
	g := Group{ResourceType: "Group", ID: c.ID, Identifier: []Identifier{{Use: "usual", System: coupleIdentifierSystem(c.ClinicID), Value: c.ID}},
		Active: &active, Type: "person", Actual: true, Quantity: 2,
		Code: &CodeableConcept{Coding: []Coding{{System: coupleSystem, Code: "couple", Display: "Couple in couples work"}}, Text: "Couple"},
		Name: c.A.DisplayName() + " and " + c.B.DisplayName()}
	period := &Period{Start: fhirInstant(c.CreatedAt)}
	if c.EndedAt != nil {
		period.End = fhirInstant(*c.EndedAt)
	}
	for _, p := range []struct{ id, name string }{{c.A.ID, c.A.DisplayName()}, {c.B.ID, c.B.DisplayName()}} {
		g.Member = append(g.Member, GroupMember{Entity: Reference{Reference: "Patient/" + p.id, Display: p.name}, Period: period, Inactive: !active})
	}
	return g
}

func groupHit(c practice.CoupleOf) hit {
	return hit{resource: toGroup(c), typ: "Group", id: c.ID, clientID: c.ClientA}
}

// groupType registers Group: read and search.
func (a *API) groupType() *resourceType {
	return &resourceType{
		name: "Group",
		doc: "A couple in couples work: a Group (type person, actual) of two Patient members, active while the couple is in couples work, " +
			"each member's period from when the couple was linked to when it ended. Staff on either partner's care team (and admins) see it; " +
			"each partner sees their own.",
		read: func(ctx context.Context, c *caller, q practice.Asked) (hit, error) {
			co, err := a.app.Couple(ctx, c.actor, q, q.ID)
			if err != nil {
				return hit{}, err
			}
			return groupHit(co), nil
		},
		params: []searchParam{
			{"_id", "token", "The couple's id; comma-separated ids match any."},
			{"member", "reference", "A partner: Patient/{id} or the bare id; comma-separated values match any."},
		},
		search: a.searchGroups,
	}
}

func (a *API) searchGroups(ctx context.Context, c *caller, s *searchQuery) (page, error) {
	var ids, members []string
	for _, name := range slices.Sorted(maps.Keys(s.values)) {
		for _, v := range s.values[name] {
			alts, err := splitValues(name, v)
			if err != nil {
				return page{}, err
			}
			switch name {
			case "_id":
				ids = narrowIDs(ids, alts, "")
			case "member":
				for i := range alts {
					alts[i] = strings.TrimPrefix(alts[i], "Patient/")
				}
				members = narrowIDs(members, alts, "")
			default:
				return page{}, fmt.Errorf("group search: parameter %s is declared but not handled", name)
			}
		}
	}
	if (ids != nil && len(ids) == 0) || (members != nil && len(members) == 0) {
		return page{}, nil
	}
	cs, total, err := a.app.SearchCouples(ctx, c.actor, s.scope, members, ids, s.count, s.offset)
	if err != nil {
		return page{}, err
	}
	p := page{total: total}
	for _, co := range cs {
		p.hits = append(p.hits, groupHit(co))
	}
	return p, nil
}
