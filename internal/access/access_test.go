package access

import "testing"

func TestAllow(t *testing.T) {
	const clinic, other = "c1", "c2"
	admin := Principal{Kind: Staff, UserID: "alex", ClinicID: clinic, Roles: []Role{Admin}}
	sam := Principal{Kind: Staff, UserID: "sam", ClinicID: clinic, Roles: []Role{Therapist}}
	robin := Principal{Kind: Staff, UserID: "robin", ClinicID: clinic, Roles: []Role{Therapist}}
	jordan := Principal{Kind: Staff, UserID: "jordan", ClinicID: clinic, Roles: []Role{Prescriber}}
	foreignAdmin := Principal{Kind: Staff, UserID: "hadmin", ClinicID: other, Roles: []Role{Admin}}
	maya := Principal{Kind: Client, UserID: "maya-u", ClinicID: clinic, ClientID: "maya"}
	dan := Principal{Kind: Client, UserID: "dan-u", ClinicID: clinic, ClientID: "dan"}
	anon := Principal{Kind: Anonymous}

	record := Resource{Type: ClientRecord, ClinicID: clinic, ClientID: "maya", CareTeam: []string{"sam", "jordan"}}
	order := record
	order.Type = PrescriberOrder
	note := record
	note.Type, note.OwnerID = PsychotherapyNote, "sam"
	journal := record
	journal.Type = JournalEntry
	shared := journal
	shared.Shared = true
	team := record
	team.Type = CareTeam
	settings := Resource{Type: ClinicSettings, ClinicID: clinic}
	list := Resource{Type: ClientList, ClinicID: clinic}
	ownAccount := Resource{Type: OwnAccount, OwnerID: "sam"}
	flag := record
	flag.Type = SafetyFlag
	outcomes := Resource{Type: ClinicOutcomes, ClinicID: clinic}
	clinicianAdmin := Principal{Kind: Staff, UserID: "casey", ClinicID: clinic, Roles: []Role{Admin, Therapist}}

	cases := []struct {
		name string
		p    Principal
		a    Action
		r    Resource
		want bool
	}{
		{"anonymous never", anon, Read, record, false},
		{"assigned therapist reads", sam, Read, record, true},
		{"assigned therapist writes", sam, Write, record, true},
		{"unassigned therapist", robin, Read, record, false},
		{"admin of the clinic reads", admin, Read, record, true},
		{"admin of another clinic", foreignAdmin, Read, record, false},
		{"client reads own record", maya, Read, record, true},
		{"client exports own record", maya, Export, record, true},
		{"client cannot write record", maya, Write, record, false},
		{"other client", dan, Read, record, false},
		{"prescriber on team writes order", jordan, Write, order, true},
		{"therapist cannot write order", sam, Write, order, false},
		{"therapist reads order", sam, Read, order, true},
		{"note author reads", sam, Read, note, true},
		{"prescriber on team cannot read note", jordan, Read, note, false},
		{"admin cannot read note", admin, Read, note, false},
		{"client cannot read note", maya, Read, note, false},
		{"author off the care team cannot read note", sam, Read, func() Resource { r := note; r.CareTeam = []string{"jordan"}; return r }(), false},
		{"admin on the care team keeps no notes", admin, Write, func() Resource { r := note; r.OwnerID, r.CareTeam = "alex", []string{"alex"}; return r }(), false},
		{"unshared journal hidden from team", sam, Read, journal, false},
		{"shared journal visible to team", sam, Read, shared, true},
		{"shared journal hidden from unassigned", robin, Read, shared, false},
		{"staff cannot edit journal", sam, Write, shared, false},
		{"client writes own journal", maya, Write, journal, true},
		{"admin writes care team", admin, Write, team, true},
		{"therapist cannot change care team", sam, Write, team, false},
		{"admin edits settings", admin, Write, settings, true},
		{"therapist cannot edit settings", sam, Write, settings, false},
		{"client cannot list clients", maya, List, list, false},
		{"therapist lists clients", sam, List, list, true},
		{"own account", sam, Write, ownAccount, true},
		{"someone else's account", robin, Read, ownAccount, false},
		{"therapist on team acknowledges a flag", sam, Write, flag, true},
		{"prescriber on team acknowledges a flag", jordan, Write, flag, true},
		{"admin reads a flag", admin, Read, flag, true},
		{"admin without a clinical role cannot acknowledge", admin, Write, flag, false},
		{"clinician admin acknowledges off the team", clinicianAdmin, Write, flag, true},
		{"unassigned therapist cannot see a flag", robin, Read, flag, false},
		{"client cannot acknowledge own flag", maya, Write, flag, false},
		{"admin reads outcomes", admin, Read, outcomes, true},
		{"therapist cannot read clinic outcomes", sam, Read, outcomes, false},
		{"foreign admin cannot read outcomes", foreignAdmin, Read, outcomes, false},
		{"unknown type refused", admin, Read, Resource{Type: "mystery", ClinicID: clinic}, false},
		{"resource without clinic refused", admin, Read, Resource{Type: ClientRecord}, false},
	}
	for _, c := range cases {
		if got := Allow(c.p, c.a, c.r); got != c.want {
			t.Errorf("%s: Allow = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestCouples: a couple of Maya (Sam's) and Dan (Robin's). Each partner
// reads the couple and the shared space, never the other's record; a
// therapist on one partner's team reads the couple (what the joint work
// shares) but not the partner's record nor the shared space; linking or
// ending needs an admin or a clinician on both teams.
func TestCouples(t *testing.T) {
	const clinic = "c1"
	admin := Principal{Kind: Staff, UserID: "alex", ClinicID: clinic, Roles: []Role{Admin}}
	sam := Principal{Kind: Staff, UserID: "sam", ClinicID: clinic, Roles: []Role{Therapist}}
	robin := Principal{Kind: Staff, UserID: "robin", ClinicID: clinic, Roles: []Role{Therapist}}
	jordan := Principal{Kind: Staff, UserID: "jordan", ClinicID: clinic, Roles: []Role{Prescriber}}
	kim := Principal{Kind: Staff, UserID: "kim", ClinicID: clinic, Roles: []Role{Therapist}}
	maya := Principal{Kind: Client, UserID: "maya-u", ClinicID: clinic, ClientID: "maya"}
	dan := Principal{Kind: Client, UserID: "dan-u", ClinicID: clinic, ClientID: "dan"}
	ivy := Principal{Kind: Client, UserID: "ivy-u", ClinicID: clinic, ClientID: "ivy"}
	foreign := Principal{Kind: Client, UserID: "x-u", ClinicID: "c2", ClientID: "maya"}
	couple := Resource{Type: Couple, ClinicID: clinic, ClientID: "maya", CareTeam: []string{"sam", "jordan"}, PartnerID: "dan", PartnerTeam: []string{"robin", "jordan"}}
	space := couple
	space.Type = SharedReflection
	dansRecord := Resource{Type: ClientRecord, ClinicID: clinic, ClientID: "dan", CareTeam: []string{"robin", "jordan"}}
	cases := []struct {
		name string
		p    Principal
		a    Action
		r    Resource
		want bool
	}{
		{"partner A reads the couple", maya, Read, couple, true},
		{"partner B reads the couple", dan, Read, couple, true},
		{"partner B leaves it", dan, Write, couple, true},
		{"someone else's couple", ivy, Read, couple, false},
		{"a client of another clinic", foreign, Read, couple, false},
		{"partner A writes in the shared space", maya, Write, space, true},
		{"partner B reads the shared space", dan, Read, space, true},
		{"partner A never reads B's record", maya, Read, dansRecord, false},
		{"A's therapist reads the couple", sam, Read, couple, true},
		{"B's therapist reads the couple", robin, Read, couple, true},
		{"A's therapist does not read B's record", sam, Read, dansRecord, false},
		{"A's therapist may not end it alone", sam, Write, couple, false},
		{"a prescriber on both teams ends it", jordan, Write, couple, true},
		{"the admin links it", admin, Write, couple, true},
		{"a therapist on neither team", kim, Read, couple, false},
		{"staff never read the shared space", sam, Read, space, false},
		{"not even the admin", admin, Read, space, false},
	}
	for _, c := range cases {
		if got := Allow(c.p, c.a, c.r); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
