package practice

import (
	"time"

	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/store"
)

// The caseload: the clients a clinician works with (an admin: the whole
// clinic), each with their phase and what blocks them, what they have due,
// their open safety flags, and first of all the medicine sessions under
// way. It is read in one transaction, one picture of the clinic.

// Caseload is what the caseload page shows.
type Caseload struct {
	Clients []store.Client
	// Total is how many clients match, of which Clients is one page:
	// clients From+1 to From+len(Clients) in name order.
	Total int
	From  int
	// PageSize is how many clients a page lists.
	PageSize int
	// AllOfClinic is true for an admin, who sees every client.
	AllOfClinic bool
	// Courses are the clients' current courses, by client id.
	Courses map[string]store.Course
	// Phases say where each client with a course stands and what blocks them.
	Phases   map[string]care.Summary
	Measures CaseloadMeasures
	Sessions []SessionUnderWay
}

var opCaseload = op{action: "client.list"}

// caseloadPage is how many clients the caseload lists at once: a
// clinician's whole caseload as a rule, and a page an admin of a large
// clinic can still take in. Each listed client's gates, measures and
// phase are worked out for the page, so the page's cost grows with it,
// not with the clinic.
const caseloadPage = 50

// Caseload loads page (from 0) of the actor's caseload, clients whose name
// starts with query when one is given.
func (s *Service) Caseload(ctx context.Context, a Actor, query string, page int) (Caseload, error) {
	out := Caseload{PageSize: caseloadPage}
	if page < 0 {
		page = 0
	}
	out.From = page * caseloadPage
	if err := s.allowClinic(ctx, a, opCaseload, access.ClientList, access.List); err != nil {
		return out, err
	}
	f := store.ClientFilter{ClinicID: a.P.ClinicID, Name: strings.TrimSpace(query), Limit: caseloadPage, Offset: out.From}
	out.AllOfClinic = a.P.Has(access.Admin)
	if !out.AllOfClinic {
		f.CareTeamOf = a.P.UserID
	}
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		if out.Clients, out.Total, err = tx.Clients(ctx, f); err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		ids := clientIDs(out.Clients)
		if out.Courses, err = tx.CurrentCourses(ctx, a.P.ClinicID, ids); err != nil {
			return err
		}
		// What the listed clients have completed counts both towards what
		// is due and towards their gates: read once for both.
		done, err := tx.Administrations(ctx, a.P.ClinicID, ids)
		if err != nil {
			return err
		}
		if out.Measures, err = s.caseloadMeasures(ctx, tx, st, out.Clients, out.Courses, done); err != nil {
			return err
		}
		if out.Phases, err = caseloadPhases(ctx, tx, st, out.Courses, ids, done, s.Now()); err != nil {
			return err
		}
		out.Sessions, err = s.sessionsUnderWay(ctx, tx, a, out.Clients)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opCaseload.action, ResourceType: "client_list", Detail: plural(out.Total, "client", "clients")})
}

// Chart is what a client's chart page shows: the client, their care team
// among the clinic's staff, and the measures section.
type Chart struct {
	Client   store.Client
	Team     []string
	Staff    []store.User
	Measures ChartMeasures
	// CanEditTeam says the actor may change the care team (an admin).
	CanEditTeam bool
	// CanKeepProcessNotes says the actor may keep psychotherapy notes
	// about the client (a clinician on the care team).
	CanKeepProcessNotes bool
	// CanEditDetails says the actor may change the client's details (a
	// clinician on the care team, or an admin).
	CanEditDetails bool
	// EmergencyUntil is when the actor's break-glass access to the record
	// ends; zero when they read it as themselves.
	EmergencyUntil time.Time
}

var opChart = op{action: "client.read"}

// Chart loads a client's chart, recording the read.
func (s *Service) Chart(ctx context.Context, a Actor, clientID string) (Chart, error) {
	var out Chart
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opChart, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		out.Client, out.Team, out.CanEditTeam = ch.Client, ch.Team, ch.may(a, access.Write, access.CareTeam)
		out.CanKeepProcessNotes = mayKeepProcessNotes(a, ch)
		out.CanEditDetails = ch.may(a, access.Write, access.ClientRecord)
		out.EmergencyUntil = ch.glassUntil(a)
		if out.Staff, err = tx.Staff(ctx, a.P.ClinicID); err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		out.Measures, err = s.chartMeasures(ctx, tx, a, st, ch)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opChart.action, ResourceType: "client", ResourceID: out.Client.ID, ClientID: out.Client.ID})
}
