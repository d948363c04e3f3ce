package practice

import "testing"

// The inquiry form asks for an e-mail address or a phone number; either
// reaches the person, and a phone number typed into the e-mail field is
// taken as the phone number rather than refused as a bad address.
func TestInquiryTakesEitherWayToReply(t *testing.T) {
	for _, tt := range []struct {
		email, phone         string
		wantEmail, wantPhone string
		wantErr              bool
	}{
		{"ivy@example.org", "", "ivy@example.org", "", false},
		{"", "(541) 555-0199", "", "(541) 555-0199", false},
		{"(541) 555-0199", "", "", "(541) 555-0199", false},
		{"+44 20 7946 0958", "", "", "+44 20 7946 0958", false},
		{"ivy@", "", "ivy@", "", true},
		{"555", "", "555", "", true},
		{"", "", "", "", true},
	} {
		in := InquiryInput{Name: "Ivy", Email: tt.email, Phone: tt.phone}
		errs := checkInquiry(&in, 0)
		if in.Email != tt.wantEmail || in.Phone != tt.wantPhone || (errs["email"] != "") != tt.wantErr {
			t.Errorf("email %q phone %q: kept email %q phone %q, error %q", tt.email, tt.phone, in.Email, in.Phone, errs["email"])
		}
	}
}
