package access

import "testing"

// Clinical work on a course: the care team reads it like the record; only a
// therapist or prescriber on the team writes it; an admin reads but does not
// write unless they are a clinician on the team.
func TestClinicalCare(t *testing.T) {
	r := Resource{Type: ClinicalCare, ClinicID: "c1", ClientID: "cl1", CareTeam: []string{"ther", "presc", "adminther"}}
	staff := func(id string, roles ...Role) Principal {
		return Principal{Kind: Staff, UserID: id, ClinicID: "c1", Roles: roles}
	}
	tests := []struct {
		name        string
		p           Principal
		read, write bool
	}{
		{"therapist on team", staff("ther", Therapist), true, true},
		{"prescriber on team", staff("presc", Prescriber), true, true},
		{"admin and therapist on team", staff("adminther", Admin, Therapist), true, true},
		{"therapist off team", staff("other", Therapist), false, false},
		{"admin", staff("adm", Admin), true, false},
		{"admin of another clinic", Principal{Kind: Staff, UserID: "adm", ClinicID: "c2", Roles: []Role{Admin}}, false, false},
		{"the client", Principal{Kind: Client, UserID: "u", ClinicID: "c1", ClientID: "cl1"}, false, false},
		{"anonymous", Principal{Kind: Anonymous}, false, false},
	}
	for _, tt := range tests {
		if got := Allow(tt.p, Read, r); got != tt.read {
			t.Errorf("%s read = %v, want %v", tt.name, got, tt.read)
		}
		if got := Allow(tt.p, Write, r); got != tt.write {
			t.Errorf("%s write = %v, want %v", tt.name, got, tt.write)
		}
	}
}
