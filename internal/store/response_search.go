package store

import (
	"context"
	"strings"
	"time"
)

// OccasionAPI is the occasion of an assignment made for a response that
// arrived through the FHIR API with no open assignment to answer: an app
// sent it, neither a clinician nor the schedule asked for it.
const OccasionAPI = "api"

// ResponseQuery is a search of stored responses as the FHIR API asks it
// (QuestionnaireResponse and the score Observations derived from them).
// Every field but ClinicID is optional; an empty field does not narrow.
type ResponseQuery struct {
	ClinicID string
	// Self keeps only this client's responses: a client principal's own.
	Self string
	// CareTeamOf keeps only clients on that staff member's care teams.
	CareTeamOf string
	// ClientIDs keeps responses of any of these clients.
	ClientIDs []string
	// IDs keeps responses with any of these ids.
	IDs []string
	// InstrumentIDs keeps responses to any of these instruments.
	InstrumentIDs []string
	// From and To bound completed_at: From <= completed_at < To. A zero
	// time leaves that side open.
	From, To time.Time
	// Newest puts the latest completed first; otherwise oldest first. The id
	// always breaks ties so paging is stable.
	Newest bool
	// Limit 0 returns only the total.
	Limit  int
	Offset int
	// TotalsOnly leaves each response's answers sealed and unread: the
	// score Observations are built from the totals alone, and opening 50
	// responses' answers was a tenth of their search.
	TotalsOnly bool
}

// SearchResponses lists the responses a query matches, a page at a time,
// with the total over all pages. Answers are opened (they are sealed at rest).
func (t *Tx) SearchResponses(ctx context.Context, q ResponseQuery) ([]Response, int, error) {
	where := []string{"clinic_id = ?"}
	args := []any{q.ClinicID}
	in := func(col string, vals []string) {
		where = append(where, col+" IN ("+placeholders(len(vals))+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if q.Self != "" {
		where = append(where, "client_id = ?")
		args = append(args, q.Self)
	}
	if q.CareTeamOf != "" {
		where = append(where, "EXISTS (SELECT 1 FROM care_team ct WHERE ct.client_id = instrument_responses.client_id AND ct.user_id = ?)")
		args = append(args, q.CareTeamOf)
	}
	if len(q.ClientIDs) > 0 {
		in("client_id", q.ClientIDs)
	}
	if len(q.IDs) > 0 {
		in("id", q.IDs)
	}
	if len(q.InstrumentIDs) > 0 {
		in("instrument_id", q.InstrumentIDs)
	}
	if !q.From.IsZero() {
		where = append(where, "completed_at >= ?")
		args = append(args, q.From.UTC())
	}
	if !q.To.IsZero() {
		where = append(where, "completed_at < ?")
		args = append(args, q.To.UTC())
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM instrument_responses`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 || q.Offset >= total {
		return nil, total, nil
	}
	order := " ORDER BY completed_at, recorded_at, id"
	if q.Newest {
		order = " ORDER BY completed_at DESC, recorded_at DESC, id DESC"
	}
	rows, err := t.query(ctx, `SELECT `+responseCols+` FROM instrument_responses`+cond+order+` LIMIT ? OFFSET ?`,
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	var out []Response
	var sealed []string
	err = eachRow(rows, func() error {
		r, s, err := scanResponse(rows)
		out, sealed = append(out, r), append(sealed, s)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	// Opened after the rows are closed: opening may query the clinic's keys
	// on the same connection.
	if q.TotalsOnly {
		return out, total, nil
	}
	for i := range out {
		if err := t.openAnswers(ctx, &out[i], sealed[i]); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}
