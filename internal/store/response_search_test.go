package store_test

import (
	"context"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestSearchResponses covers every filter of the FHIR response search on
// both engines, with paging and both orders.
func TestSearchResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		a, b := p.Clients["A"], p.Clients["B"]
		day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
		type row struct {
			client store.Client
			inst   string
			at     time.Time
		}
		rows := []row{{a, measures.PHQ9, day(30)}, {a, measures.GAD7, day(20)}, {a, measures.PHQ9, day(10)}, {b, measures.PHQ9, day(15)}}
		ids := make([]string, len(rows))
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			for i, r := range rows {
				asg := store.Assignment{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: r.client.ID, InstrumentID: r.inst,
					Occasion: store.OccasionAPI, DueAt: r.at, CreatedAt: r.at}
				if err := tx.CreateAssignment(ctx, &asg); err != nil {
					return err
				}
				resp := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: p.Clinic.ID, ClientID: r.client.ID,
					InstrumentID: r.inst, Answers: measures.Answers{"k": i}, Total: i, HasTotal: true, EnteredBy: r.client.UserID,
					CompletedAt: r.at, RecordedAt: r.at}
				if err := tx.SaveResponse(ctx, &resp, nil); err != nil {
					return err
				}
				ids[i] = resp.ID
			}
			return nil
		})
		ctx := context.Background()
		for _, tc := range []struct {
			name  string
			q     store.ResponseQuery
			want  []int // indexes into rows, in order
			total int
		}{
			{"all, oldest first", store.ResponseQuery{}, []int{0, 1, 3, 2}, 4},
			{"newest first", store.ResponseQuery{Newest: true}, []int{2, 3, 1, 0}, 4},
			{"self", store.ResponseQuery{Self: a.ID}, []int{0, 1, 2}, 3},
			{"care team of the unassigned therapist", store.ResponseQuery{CareTeamOf: p.Users["unassigned"].ID}, []int{3}, 1},
			{"clients", store.ResponseQuery{ClientIDs: []string{b.ID}}, []int{3}, 1},
			{"instrument", store.ResponseQuery{InstrumentIDs: []string{measures.GAD7}}, []int{1}, 1},
			{"ids", store.ResponseQuery{IDs: []string{ids[2], ids[3]}}, []int{3, 2}, 2},
			// From is inclusive, To exclusive.
			{"date range", store.ResponseQuery{From: day(20), To: day(10)}, []int{1, 3}, 2},
			{"page 2", store.ResponseQuery{Limit: 2, Offset: 2}, []int{3, 2}, 4},
			{"total only", store.ResponseQuery{Limit: -1}, nil, 4},
			{"another clinic's scope", store.ResponseQuery{ClinicID: p.Other.ID}, nil, 0},
			{"totals only", store.ResponseQuery{TotalsOnly: true}, []int{0, 1, 3, 2}, 4},
		} {
			q := tc.q
			if q.ClinicID == "" {
				q.ClinicID = p.Clinic.ID
			}
			if q.Limit == 0 {
				q.Limit = 50
			}
			var got []store.Response
			var total int
			err := s.Read(ctx, func(tx *store.Tx) (err error) { got, total, err = tx.SearchResponses(ctx, q); return err })
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if total != tc.total || len(got) != len(tc.want) {
				t.Errorf("%s: %d rows of %d, want %d of %d", tc.name, len(got), total, len(tc.want), tc.total)
				continue
			}
			for i, w := range tc.want {
				if got[i].ID != ids[w] || !got[i].CompletedAt.Equal(rows[w].at) || got[i].Total != w {
					t.Errorf("%s: row %d is %+v, want rows[%d]", tc.name, i, got[i], w)
				}
				// The answers are opened unless only the totals are asked for.
				if opened := got[i].Answers != nil; opened == tc.q.TotalsOnly || (opened && got[i].Answers["k"] != w) {
					t.Errorf("%s: row %d's answers are %v", tc.name, i, got[i].Answers)
				}
			}
		}
	})
}
