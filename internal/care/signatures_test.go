package care

import (
	"testing"
	"time"
)

func TestWithdrawalVoidsEverySignature(t *testing.T) {
	t1 := at(2026, 2, 3, 10, 0)
	sigs := []Signature{
		{ID: "v2", DocumentID: "kap", Version: 2, At: at(2025, 12, 1, 10, 0)},
		{ID: "a", DocumentID: "kap", Version: 3, At: t1},
		{ID: "b", DocumentID: "kap", Version: 3, At: t1.Add(time.Second)}, // a double submit
		{ID: "p", DocumentID: "privacy", Version: 1, At: t1},
	}
	if !AlreadySigned(sigs, "kap", 3) || AlreadySigned(sigs, "kap", 4) || !AlreadySigned(sigs, "privacy", 1) {
		t.Error("AlreadySigned before the withdrawal")
	}
	// Withdrawing on 4 Mar voids v2, a and b, but not the other document.
	w := at(2026, 3, 4, 15, 0)
	var ids []string
	for _, s := range Voids(sigs, "kap", w) {
		ids = append(ids, s.ID)
	}
	if len(ids) != 3 || ids[0] != "v2" || ids[1] != "a" || ids[2] != "b" {
		t.Errorf("Voids = %v, want v2, a, b", ids)
	}
	// Whichever one the store marked, none of them counts afterwards.
	for _, marked := range []int{1, 2} {
		after := append([]Signature(nil), sigs...)
		after[marked].Withdrawn, after[marked].WithdrawnAt = true, w
		if AlreadySigned(after, "kap", 3) || AlreadySigned(after, "kap", 2) || len(liveSignatures(after, "kap")) != 0 {
			t.Errorf("withdrawing %s left a signature counting: %v", after[marked].ID, liveSignatures(after, "kap"))
		}
		if !AlreadySigned(after, "privacy", 1) {
			t.Error("a withdrawal of one document voided another")
		}
		// Signing again after the withdrawal is a new signature, which counts.
		again := append(after, Signature{ID: "c", DocumentID: "kap", Version: 3, At: w.Add(time.Hour)})
		if !AlreadySigned(again, "kap", 3) {
			t.Error("a signature after the withdrawal does not count")
		}
		if v := Voids(again, "kap", w.Add(2*time.Hour)); len(v) != 1 || v[0].ID != "c" {
			t.Errorf("a second withdrawal voids %v, want c alone", v)
		}
	}
	// A signature at the very instant of the withdrawal is void with it.
	same := append([]Signature(nil), sigs...)
	same[1].Withdrawn, same[1].WithdrawnAt = true, same[2].At
	if AlreadySigned(same, "kap", 3) {
		t.Error("a signature made at the withdrawal instant still counts")
	}
}
