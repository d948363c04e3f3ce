package seal

import (
	"strings"
	"testing"
)

func TestSealOpenRoundTripAndBinding(t *testing.T) {
	key := NewKey()
	b := Binding{ClinicID: "c1", Table: "journal_entries", Column: "body", RowID: "r1"}
	s, err := Seal(key, 3, b, "I felt the floor go soft, then warm.")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "floor") || !strings.HasPrefix(s, "s1.3.") {
		t.Fatalf("sealed value %q", s)
	}
	if v, err := Version(s); err != nil || v != 3 {
		t.Errorf("version %d %v", v, err)
	}
	got, err := Open(key, b, s)
	if err != nil || got != "I felt the floor go soft, then warm." {
		t.Fatalf("open: %q %v", got, err)
	}
	moved := []Binding{
		{ClinicID: "c2", Table: b.Table, Column: b.Column, RowID: b.RowID},
		{ClinicID: b.ClinicID, Table: "session_notes", Column: b.Column, RowID: b.RowID},
		{ClinicID: b.ClinicID, Table: b.Table, Column: "title", RowID: b.RowID},
		{ClinicID: b.ClinicID, Table: b.Table, Column: b.Column, RowID: "r2"},
		// Moving bytes between parts must not produce the same binding.
		{ClinicID: "c1j", Table: "ournal_entries", Column: b.Column, RowID: b.RowID},
	}
	for _, m := range moved {
		if _, err := Open(key, m, s); err != ErrOpen {
			t.Errorf("opened under %+v: %v", m, err)
		}
	}
	if _, err := Open(NewKey(), b, s); err != ErrOpen {
		t.Errorf("opened with another key: %v", err)
	}
	flipped := []byte(s)
	flipped[len(flipped)-3] ^= 1
	if _, err := Open(key, b, string(flipped)); err != ErrOpen {
		t.Errorf("opened a tampered value: %v", err)
	}
	for _, bad := range []string{"", "plain text", "s1.x.abc", "s2.1.abc", "s1.1.!!!", "s1.1.YWJj"} {
		if _, err := Open(key, b, bad); err != ErrOpen {
			t.Errorf("Open(%q) = %v, want ErrOpen", bad, err)
		}
	}
}

func TestSealingTwiceDiffers(t *testing.T) {
	key := NewKey()
	b := Binding{ClinicID: "c", Table: "t", Column: "c", RowID: "r"}
	a, _ := Seal(key, 1, b, "same")
	c, _ := Seal(key, 1, b, "same")
	if a == c {
		t.Error("two seals of the same text are equal: the nonce is not fresh")
	}
}

func TestWrapUnwrap(t *testing.T) {
	master, data := NewKey(), NewKey()
	w, err := Wrap(master, data, "c1", 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unwrap(master, w, "c1", 2)
	if err != nil || string(got) != string(data) {
		t.Fatalf("unwrap: %v", err)
	}
	if _, err := Unwrap(master, w, "c2", 2); err != ErrOpen {
		t.Errorf("unwrapped for another clinic: %v", err)
	}
	if _, err := Unwrap(master, w, "c1", 1); err != ErrOpen {
		t.Errorf("unwrapped as another version: %v", err)
	}
	if _, err := Unwrap(NewKey(), w, "c1", 2); err != ErrOpen {
		t.Errorf("unwrapped with another master: %v", err)
	}
	if _, err := Wrap([]byte("short"), data, "c1", 1); err == nil {
		t.Error("wrapped with a short master key")
	}
}
