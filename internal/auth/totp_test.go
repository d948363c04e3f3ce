package auth

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"doorway/internal/problem"
)

func TestNewTOTP(t *testing.T) {
	secret, raw, err := NewTOTP("anna.smith@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 { // 20 bytes in unpadded base32
		t.Errorf("secret %q is not 160 bits", secret)
	}
	if !strings.HasPrefix(raw, "otpauth://totp/") {
		t.Errorf("URL %q is not an otpauth TOTP URL", raw)
	}
	key, err := otp.NewKeyFromURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	if key.Issuer() != "Doorway" || key.AccountName() != "anna.smith@example.org" || key.Secret() != secret ||
		key.Period() != 30 || key.Digits() != otp.DigitsSix || key.Algorithm() != otp.AlgorithmSHA1 {
		t.Errorf("URL %q: issuer %q account %q period %d digits %v algorithm %v",
			raw, key.Issuer(), key.AccountName(), key.Period(), key.Digits(), key.Algorithm())
	}
	u, _ := url.Parse(raw)
	if u.Query().Get("issuer") != "Doorway" {
		t.Errorf("URL %q lacks issuer=Doorway, which some apps need", raw)
	}
	if again, _, _ := NewTOTP("anna.smith@example.org"); again == secret {
		t.Error("two enrolments got the same secret")
	}
	if _, _, err := NewTOTP(""); err == nil {
		t.Error("NewTOTP accepted an empty account name")
	}

	// The URL rebuilt from the stored secret is the one first shown, and
	// an awkward email is escaped, not pasted in.
	if again, err := TOTPURL(secret, "anna.smith@example.org"); err != nil || again != raw {
		t.Errorf("TOTPURL = %q, %v; want %q", again, err, raw)
	}
	odd, err := TOTPURL(secret, "jo+x&secret=AAAA@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if key, err := otp.NewKeyFromURL(odd); err != nil || key.Secret() != secret || key.AccountName() != "jo+x&secret=AAAA@example.org" {
		t.Errorf("URL %q for an odd email does not carry the secret and account intact", odd)
	}
	if _, err := TOTPURL("not base32!", "anna@example.org"); err == nil {
		t.Error("TOTPURL accepted a malformed secret")
	}
}

func mustCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestCheckTOTP(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	at := time.Date(2026, 3, 14, 15, 9, 10, 0, time.UTC) // 10 s into a step
	step := at.Unix() / 30
	code := mustCode(t, secret, at)

	accepted := []struct {
		name string
		at   time.Time
		code string
	}{
		{"same time", at, code},
		{"start of the step", at.Add(-10 * time.Second), code},
		{"30 s later", at.Add(30 * time.Second), code},
		{"30 s earlier", at.Add(-30 * time.Second), code},
		{"spaces", at, " " + code[:3] + " " + code[3:] + " "},
		{"dash", at, code[:3] + "-" + code[3:]},
		{"tab and no-break space", at, code[:3] + "\t\u00a0" + code[3:]},
	}
	for _, c := range accepted {
		got, err := CheckTOTP(secret, c.code, c.at, 0)
		if err != nil || got != step {
			t.Errorf("%s: CheckTOTP(%q) = %d, %v; want step %d", c.name, c.code, got, err, step)
		}
	}

	refused := []struct {
		name string
		at   time.Time
		code string
	}{
		{"90 s later", at.Add(90 * time.Second), code},
		{"90 s earlier", at.Add(-90 * time.Second), code},
		{"60 s later", at.Add(60 * time.Second), code},
		{"five digits", at, code[:5]},
		{"seven digits", at, code + "0"},
		{"letters", at, "12a456"},
		{"empty", at, ""},
		{"wrong code", at, wrongCode(t, secret, at)},
	}
	for _, c := range refused {
		if got, err := CheckTOTP(secret, c.code, c.at, 0); !errors.Is(err, ErrTOTPWrong) {
			t.Errorf("%s: CheckTOTP(%q) = %d, %v; want ErrTOTPWrong", c.name, c.code, got, err)
		}
	}
}

// wrongCode returns a code that is not valid in any step near at.
func wrongCode(t *testing.T, secret string, at time.Time) string {
	valid := map[string]bool{}
	for d := -1; d <= 1; d++ {
		valid[mustCode(t, secret, at.Add(time.Duration(d)*30*time.Second))] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !valid[c] {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

func TestCheckTOTPRefusesReuse(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	at := time.Date(2026, 3, 14, 15, 9, 10, 0, time.UTC)
	code := mustCode(t, secret, at)

	step, err := CheckTOTP(secret, code, at, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The caller stored step; the same code, even seconds later, is refused.
	if _, err := CheckTOTP(secret, code, at.Add(5*time.Second), step); !errors.Is(err, ErrTOTPReused) {
		t.Errorf("reused code: err = %v, want ErrTOTPReused", err)
	}
	// So is an older code once a newer one has been used.
	next := mustCode(t, secret, at.Add(30*time.Second))
	nextStep, err := CheckTOTP(secret, next, at.Add(30*time.Second), step)
	if err != nil || nextStep != step+1 {
		t.Fatalf("next code: %d, %v", nextStep, err)
	}
	if _, err := CheckTOTP(secret, code, at.Add(30*time.Second), nextStep); !errors.Is(err, ErrTOTPReused) {
		t.Errorf("older code after a newer one: err = %v, want ErrTOTPReused", err)
	}
	if problem.CodeOf(ErrTOTPReused) != problem.Unauthorized || problem.CodeOf(ErrTOTPWrong) != problem.Unauthorized {
		t.Error("TOTP errors are not Unauthorized problems")
	}
}

func TestCheckTOTPBadSecret(t *testing.T) {
	for _, secret := range []string{"not base32 at all!", "", "   ", "JBSWY3DP"} {
		// The empty secret's codes are computable by anyone; offer the right one.
		code := mustCode(t, "", time.Now())
		_, err := CheckTOTP(secret, code, time.Now(), 0)
		if err == nil || problem.CodeOf(err) != problem.Internal {
			t.Errorf("secret %q: err = %v, want an internal error", secret, err)
		}
	}
}

func TestTOTPStep(t *testing.T) {
	cases := map[int64]int64{0: 0, 29: 0, 30: 1, 59: 1, 1773500950: 59116698, -1: -1, -30: -1, -31: -2}
	for sec, want := range cases {
		if got := TOTPStep(time.Unix(sec, 0)); got != want {
			t.Errorf("TOTPStep(%d s) = %d, want %d", sec, got, want)
		}
	}
}
