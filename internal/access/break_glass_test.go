package access

import (
	"testing"
	"time"
)

// TestBreakGlassReadsLikeTheCareTeamUntilItExpires: robin, a therapist not
// on maya's care team, is refused her record; with a grant until 11:00 he
// reads it (and what the team reads) at 10:59, but writes nothing; at
// 11:00 and after he is refused again. A grant is personal, of one client,
// and counts for nothing without the moment of the decision; an admin
// without a clinical role cannot open one, and only admins review them.
func TestBreakGlassReadsLikeTheCareTeamUntilItExpires(t *testing.T) {
	const clinic = "c1"
	robin := Principal{Kind: Staff, UserID: "robin", ClinicID: clinic, Roles: []Role{Therapist}}
	jordan := Principal{Kind: Staff, UserID: "jordan", ClinicID: clinic, Roles: []Role{Prescriber}}
	admin := Principal{Kind: Staff, UserID: "alex", ClinicID: clinic, Roles: []Role{Admin}}
	maya := Principal{Kind: Client, UserID: "maya-u", ClinicID: clinic, ClientID: "maya"}
	until := time.Date(2026, 6, 17, 11, 0, 0, 0, time.UTC)
	record := func(t Type, at time.Time, grants ...Grant) Resource {
		return Resource{Type: t, ClinicID: clinic, ClientID: "maya", CareTeam: []string{"sam"}, BreakGlass: grants, At: at, Shared: true}
	}
	grant := Grant{UserID: "robin", Until: until}
	before, during, atEnd, after := until.Add(-2*time.Hour), until.Add(-time.Minute), until, until.Add(time.Minute)

	cases := []struct {
		name string
		p    Principal
		a    Action
		r    Resource
		want bool
	}{
		{"no grant: refused", robin, Read, record(ClientRecord, before), false},
		{"during the grant: reads the record", robin, Read, record(ClientRecord, during, grant), true},
		{"during: reads the care team", robin, Read, record(CareTeam, during, grant), true},
		{"during: reads the orders", robin, Read, record(PrescriberOrder, during, grant), true},
		{"during: reads the safety flags", robin, Read, record(SafetyFlag, during, grant), true},
		{"during: reads the clinical work", robin, Read, record(ClinicalCare, during, grant), true},
		{"during: reads shared journal entries", robin, Read, record(JournalEntry, during, grant), true},
		{"during: never another's process notes", robin, Read, Resource{Type: PsychotherapyNote, ClinicID: clinic, ClientID: "maya",
			CareTeam: []string{"sam"}, OwnerID: "sam", BreakGlass: []Grant{grant}, At: during}, false},
		{"during: writes nothing to the record", robin, Write, record(ClientRecord, during, grant), false},
		{"during: writes no clinical work", robin, Write, record(ClinicalCare, during, grant), false},
		{"during: acknowledges no flag", robin, Write, record(SafetyFlag, during, grant), false},
		{"during: exports nothing", robin, Export, record(ClientRecord, during, grant), false},
		{"at the moment it expires: refused", robin, Read, record(ClientRecord, atEnd, grant), false},
		{"after expiry: refused again", robin, Read, record(ClientRecord, after, grant), false},
		{"no moment given: refused", robin, Read, record(ClientRecord, time.Time{}, grant), false},
		{"another's grant: refused", jordan, Read, record(ClientRecord, during, grant), false},
		{"a grant of another clinic's record: refused", robin, Read, Resource{Type: ClientRecord, ClinicID: "c2", ClientID: "maya",
			BreakGlass: []Grant{grant}, At: during}, false},
		{"a grant in a client's name opens no one else's record", maya, Read, Resource{Type: ClientRecord, ClinicID: clinic, ClientID: "dan",
			BreakGlass: []Grant{{UserID: "maya-u", Until: until}}, At: during}, false},
		{"a therapist opens one", robin, Write, Resource{Type: BreakGlass, ClinicID: clinic}, true},
		{"a prescriber opens one", jordan, Write, Resource{Type: BreakGlass, ClinicID: clinic}, true},
		{"an admin without a clinical role opens none", admin, Write, Resource{Type: BreakGlass, ClinicID: clinic}, false},
		{"an admin reviews them", admin, Read, Resource{Type: BreakGlass, ClinicID: clinic}, true},
		{"a therapist does not review them", robin, Read, Resource{Type: BreakGlass, ClinicID: clinic}, false},
		{"a client opens none", maya, Write, Resource{Type: BreakGlass, ClinicID: clinic, ClientID: "maya"}, false},
	}
	for _, c := range cases {
		if got := Allow(c.p, c.a, c.r); got != c.want {
			t.Errorf("%s: Allow = %v, want %v", c.name, got, c.want)
		}
	}
}
