package session_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"doorway/internal/problem"
	"doorway/internal/session"
)

// TestRecordMoves tries every state against every state, unsigned and
// signed: only the moves of CLINICAL.md §3 are allowed, and never once the
// record is signed.
func TestRecordMoves(t *testing.T) {
	allowed := map[[2]session.State]bool{
		{session.Checklist, session.Dosed}:   true,
		{session.Checklist, session.Held}:    true,
		{session.Checklist, session.Stopped}: true,
		{session.Dosed, session.Discharged}:  true,
		{session.Dosed, session.Stopped}:     true,
	}
	for _, from := range session.States() {
		for _, to := range session.States() {
			for _, signed := range []bool{false, true} {
				name := fmt.Sprintf("%s to %s, signed %v", from, to, signed)
				r := session.Record{State: from, Signed: signed}
				err := r.Move(to)
				want := allowed[[2]session.State{from, to}] && !signed
				if r.CanMove(to) != want || (err == nil) != want {
					t.Errorf("%s: CanMove %v, Move %v; want allowed %v", name, r.CanMove(to), err, want)
					continue
				}
				if want {
					continue
				}
				if problem.CodeOf(err) != problem.Conflict || problem.FieldOf(err) != session.RecordField {
					t.Errorf("%s: %v, want a conflict on the record", name, err)
				}
				msg := problem.MessageOf(err)
				switch {
				case signed && !strings.Contains(msg, "signed and locked"):
					t.Errorf("%s: %q does not say the record is signed", name, msg)
				case !signed && !strings.Contains(msg, "the session is now "+strings.ToLower(from.Label())):
					t.Errorf("%s: %q does not say where the session stands", name, msg)
				}
			}
		}
	}
}

// TestRecordParts tries every part in every state, unsigned and signed.
func TestRecordParts(t *testing.T) {
	always := session.States()
	before := []session.State{session.Checklist}
	after := []session.State{session.Dosed}
	until := map[session.Part][]session.State{
		session.PartChecks:            before,
		session.PartWeight:            before,
		session.PartPreDoseReading:    before,
		session.PartOverride:          before,
		session.PartDoseConfirmation:  before,
		session.PartReading:           after,
		session.PartObservation:       after,
		session.PartAdministrationEnd: after,
		session.PartStrike:            always,
		session.PartSetting:           always,
		session.PartAlertAck:          always,
		session.PartAdverseEvent:      always,
		session.PartAddendum:          nil, // only once signed
	}
	if len(until) != len(session.Parts()) {
		t.Fatalf("the table covers %d parts of %d", len(until), len(session.Parts()))
	}
	for _, p := range session.Parts() {
		for _, s := range session.States() {
			for _, signed := range []bool{false, true} {
				err := session.Record{State: s, Signed: signed}.Change(p)
				want := !signed && slices.Contains(until[p], s)
				if p == session.PartAddendum {
					want = signed
				}
				if (err == nil) != want {
					t.Errorf("%s in %s, signed %v: %v; want allowed %v", p, s, signed, err, want)
					continue
				}
				if err != nil && problem.CodeOf(err) != problem.Conflict {
					t.Errorf("%s in %s, signed %v: %v, want a conflict", p, s, signed, err)
				}
			}
		}
	}
	if err := (session.Record{State: session.Dosed}).Change("dose"); err == nil || problem.CodeOf(err) != problem.Internal {
		t.Errorf("a part with no rule: %v, want an internal error", err)
	}
}

// TestRecordSign: an ended session is signed once; one under way is not.
func TestRecordSign(t *testing.T) {
	for _, s := range session.States() {
		for _, signed := range []bool{false, true} {
			err := session.Record{State: s, Signed: signed}.Sign()
			want := s.Ended() && !signed
			if (err == nil) != want {
				t.Errorf("sign %s, signed %v: %v; want allowed %v", s, signed, err, want)
			}
		}
	}
	for s, ended := range map[session.State]bool{session.Checklist: false, session.Dosed: false, session.Discharged: true, session.Held: true, session.Stopped: true} {
		if s.Ended() != ended || s.Label() == string(s) {
			t.Errorf("%s: ended %v, label %q", s, s.Ended(), s.Label())
		}
	}
}
