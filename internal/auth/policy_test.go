package auth

import (
	"strings"
	"testing"
	"unicode/utf8"

	"doorway/internal/problem"
)

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		name, password, email string
		ok                    bool
	}{
		{"7 characters", "gd7#kq2", "", false},
		{"8 characters", "gd7#kq2m", "", true},
		{"empty", "", "", false},
		{"7 runes in 13 bytes", "пароль7", "", false},
		{"8 runes in 14 bytes", "пароль78", "", true},
		{"7 runes in 21 bytes", "日本語のパスワ", "", false},
		{"9 runes in 27 bytes", "日本語のパスワード", "", true},
		{"emoji counted once each", "🦊🦊🐢🐢🦊🦊🐢", "", false},
		{"128 runes", strings.Repeat("éa", 64), "", true},
		{"129 runes", strings.Repeat("éa", 64) + "b", "", false},
		{"spaces allowed", "correct horse battery staple", "", true},
		{"no composition rules", "lowercaseonlywords", "", true},
		{"deny-list", "password1", "", false},
		{"deny-list, other case", "PassWord123", "", false},
		{"deny-list, upper case", "QWERTYUIOP", "", false},
		{"deny-list, the service", "Doorway2026", "", false},
		{"deny-list, digits", "12345678", "", false},
		{"near a common one", "password1 is not my password", "", true},
		{"email local part", "anna.smith", "anna.smith@example.org", false},
		{"contains local part", "ANNA.SMITH2024", "anna.smith@example.org", false},
		{"local part before +tag", "my anna.smith pw", "anna.smith+doorway@example.org", false},
		{"unrelated to email", "velvet otter ladder", "anna.smith@example.org", true},
		{"short local part may appear", "bobcat in the snow", "bob@example.org", true},
		{"domain may appear", "example.org rocks", "anna@example.org", true},
		{"one character repeated", "zzzzzzzzzz", "", false},
		{"one rune repeated", "ééééééééé", "", false},
	}
	for _, c := range cases {
		err := CheckPassword(c.password, c.email)
		if c.ok && err != nil {
			t.Errorf("%s: CheckPassword(%q, %q) = %v, want ok", c.name, c.password, c.email, err)
		}
		if !c.ok {
			if err == nil {
				t.Errorf("%s: CheckPassword(%q, %q) accepted it", c.name, c.password, c.email)
				continue
			}
			if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "password" {
				t.Errorf("%s: error %v is not an Invalid problem on the password field", c.name, err)
			}
			if msg := problem.MessageOf(err); c.password != "" && strings.Contains(msg, c.password) {
				t.Errorf("%s: message %q repeats the password", c.name, msg)
			}
		}
	}
}

func TestDenyList(t *testing.T) {
	if n := len(commonPasswords); n < 300 {
		t.Errorf("deny-list has %d entries, want a few hundred", n)
	}
	for _, p := range []string{"123456", "password", "qwerty", "iloveyou", "1q2w3e4r", "doorway"} {
		if _, ok := commonPasswords[p]; !ok {
			t.Errorf("deny-list lacks %q", p)
		}
	}
	for p := range commonPasswords {
		if strings.HasPrefix(p, "#") || strings.TrimSpace(p) != p || p == "" {
			t.Errorf("deny-list entry %q was not cleaned", p)
		}
		if err := CheckPassword(p, ""); err == nil {
			t.Errorf("deny-listed %q accepted", p)
		}
		if utf8.RuneCountInString(p) >= MinPasswordLen {
			if err := CheckPassword(strings.ToUpper(p), ""); err == nil {
				t.Errorf("deny-listed %q accepted in upper case", p)
			}
		}
	}
}
