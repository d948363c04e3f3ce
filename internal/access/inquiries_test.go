package access

import "testing"

func TestInquiries(t *testing.T) {
	res := Resource{Type: Inquiries, ClinicID: "c1"}
	staff := func(roles ...Role) Principal {
		return Principal{Kind: Staff, UserID: "u1", ClinicID: "c1", Roles: roles}
	}
	tests := []struct {
		name string
		p    Principal
		want bool
	}{
		{"therapist", staff(Therapist), true},
		{"prescriber", staff(Prescriber), true},
		{"admin", staff(Admin), true},
		{"staff with no role", staff(), false},
		{"another clinic's admin", Principal{Kind: Staff, UserID: "u2", ClinicID: "c2", Roles: []Role{Admin}}, false},
		{"a client", Principal{Kind: Client, UserID: "u3", ClinicID: "c1", ClientID: "x"}, false},
		{"nobody", Principal{Kind: Anonymous}, false},
	}
	for _, tt := range tests {
		for _, a := range []Action{List, Read, Write} {
			if got := Allow(tt.p, a, res); got != tt.want {
				t.Errorf("%s %s inquiries = %v, want %v", tt.name, a, got, tt.want)
			}
		}
	}
}
