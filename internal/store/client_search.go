package store

import (
	"context"
	"strings"
)

// ClientSort is an order a client search may ask for. It is a closed set so
// that no text from a request ever reaches an ORDER BY.
type ClientSort int

const (
	SortName          ClientSort = iota + 1 // family then given name, A to Z
	SortNameDesc                            // Z to A
	SortBirthDate                           // oldest first; no date of birth last
	SortBirthDateDesc                       // youngest first; no date of birth last
)

// ClientQuery is a client search as the FHIR API asks it (Patient search).
// ClientFilter serves the caseload page; this one adds the filters and orders
// FHIR search parameters need. Every field but ClinicID is optional; an empty
// field does not narrow the search.
type ClientQuery struct {
	ClinicID string
	// Self keeps only this client: a client principal's own record.
	Self string
	// CareTeamOf keeps only clients on that staff member's care teams.
	CareTeamOf string
	// IDs keeps clients with any of these ids.
	IDs []string
	// Names are all required to match; within one group any value may match
	// the start of the given, family or preferred name, ignoring case.
	Names [][]string
	// Emails keeps clients with any of these addresses (normalised here).
	Emails []string
	// BirthFrom and BirthTo bound the date of birth, inclusive, as
	// YYYY-MM-DD. Either one set leaves out clients with no date of birth.
	BirthFrom, BirthTo string
	// Sort orders the results; the id always breaks ties so paging is stable.
	Sort []ClientSort
	// Limit 0 returns only the total.
	Limit  int
	Offset int
}

// likePrefix escapes LIKE's wildcards in s, so a search for "50%" means
// those characters, and adds the trailing wildcard of a prefix match.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.ToLower(s)) + "%"
}

// SearchClients lists the clients a query matches, a page at a time, with the
// total over all pages.
func (t *Tx) SearchClients(ctx context.Context, q ClientQuery) ([]Client, int, error) {
	where := []string{"c.clinic_id = ?"}
	args := []any{q.ClinicID}
	from := clientFrom
	if q.Self != "" {
		where = append(where, "c.id = ?")
		args = append(args, q.Self)
	}
	if q.CareTeamOf != "" {
		// Starting from the care team, the database reads the user's own
		// clients rather than every client of the clinic. CROSS JOIN is
		// how SQLite is told which table to start from; PostgreSQL reads it
		// as a plain join and plans it itself.
		from = ` FROM care_team ct CROSS JOIN clients c LEFT JOIN users u ON u.id = c.user_id`
		where = append(where, "ct.user_id = ?", "c.id = ct.client_id")
		args = append(args, q.CareTeamOf)
	}
	if len(q.IDs) > 0 {
		where = append(where, "c.id IN ("+placeholders(len(q.IDs))+")")
		for _, id := range q.IDs {
			args = append(args, id)
		}
	}
	for _, group := range q.Names {
		var alts []string
		for _, v := range group {
			p := likePrefix(v)
			alts = append(alts, `LOWER(c.given_name) LIKE ? ESCAPE '\'`, `LOWER(c.family_name) LIKE ? ESCAPE '\'`,
				`LOWER(c.preferred_name) LIKE ? ESCAPE '\'`)
			args = append(args, p, p, p)
		}
		if len(alts) > 0 {
			where = append(where, "("+strings.Join(alts, " OR ")+")")
		}
	}
	if len(q.Emails) > 0 {
		where = append(where, "c.email IN ("+placeholders(len(q.Emails))+")")
		for _, e := range q.Emails {
			args = append(args, NormalizeEmail(e))
		}
	}
	// Dates of birth are stored as YYYY-MM-DD text, so text order is date order.
	if q.BirthFrom != "" {
		where = append(where, "c.date_of_birth <> '' AND c.date_of_birth >= ?")
		args = append(args, q.BirthFrom)
	}
	if q.BirthTo != "" {
		where = append(where, "c.date_of_birth <> '' AND c.date_of_birth <= ?")
		args = append(args, q.BirthTo)
	}
	cond := " WHERE " + strings.Join(where, " AND ")

	var total int
	if err := t.queryRow(ctx, `SELECT COUNT(*)`+from+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 || q.Offset >= total {
		return nil, total, nil
	}
	rows, err := t.query(ctx, clientCols+from+cond+" ORDER BY "+clientOrder(q.Sort)+" LIMIT ? OFFSET ?",
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := scanAll(rows, func(c *Client) (err error) { *c, err = scanClient(rows); return err })
	return out, total, err
}

// clientOrder turns sort keys into SQL that this file wrote: nothing of the
// request reaches it. Names compare lower-cased so case does not split the list.
func clientOrder(keys []ClientSort) string {
	var parts []string
	for _, k := range keys {
		switch k {
		case SortName:
			parts = append(parts, "LOWER(c.family_name)", "LOWER(c.given_name)")
		case SortNameDesc:
			parts = append(parts, "LOWER(c.family_name) DESC", "LOWER(c.given_name) DESC")
		case SortBirthDate:
			parts = append(parts, "CASE WHEN c.date_of_birth = '' THEN 1 ELSE 0 END", "c.date_of_birth")
		case SortBirthDateDesc:
			parts = append(parts, "CASE WHEN c.date_of_birth = '' THEN 1 ELSE 0 END", "c.date_of_birth DESC")
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "LOWER(c.family_name)", "LOWER(c.given_name)")
	}
	return strings.Join(append(parts, "c.id"), ", ")
}

// CareTeams lists the care team of each of several clients at once, so a
// page of search results can be checked against the access decision one by
// one without a query per client.
func (t *Tx) CareTeams(ctx context.Context, clientIDs []string) (map[string][]string, error) {
	out := make(map[string][]string, len(clientIDs))
	if len(clientIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(clientIDs))
	for i, id := range clientIDs {
		args[i] = id
	}
	rows, err := t.query(ctx, `SELECT client_id, user_id FROM care_team WHERE client_id IN (`+placeholders(len(clientIDs))+`)
		ORDER BY client_id, user_id`, args...)
	if err != nil {
		return nil, err
	}
	return out, eachRow(rows, func() error {
		var cid, uid string
		err := rows.Scan(&cid, &uid)
		out[cid] = append(out[cid], uid)
		return err
	})
}
