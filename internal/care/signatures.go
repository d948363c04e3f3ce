package care

import "time"

// Consent is withdrawn as a whole (CLINICAL.md §3): a withdrawal voids every
// signature of that document made up to it, whichever signature the client
// pressed "withdraw" on, and only a signature made after it counts again.
// Signing the same version twice (a double submit, a resent form) records
// one signature. The functions here say what counts; the store keeps the
// rows and calls them inside its transaction.

// withdrawnAt is when a withdrawn signature was withdrawn: WithdrawnAt, or
// At when the time was not given (the least that is known).
func (sig Signature) withdrawnAt() time.Time {
	if sig.WithdrawnAt.IsZero() {
		return sig.At
	}
	return sig.WithdrawnAt
}

// lastWithdrawal is the latest withdrawal of the document, and false when it
// was never withdrawn.
func lastWithdrawal(sigs []Signature, docID string) (time.Time, bool) {
	var last time.Time
	found := false
	for _, sig := range sigs {
		if sig.DocumentID == docID && sig.Withdrawn {
			if w := sig.withdrawnAt(); !found || w.After(last) {
				last, found = w, true
			}
		}
	}
	return last, found
}

// liveSignatures are the signatures of the document that count: not
// withdrawn themselves, and made after the document's latest withdrawal.
func liveSignatures(sigs []Signature, docID string) []Signature {
	voidUpTo, withdrawn := lastWithdrawal(sigs, docID)
	var out []Signature
	for _, sig := range sigs {
		if sig.DocumentID != docID || sig.Withdrawn || (withdrawn && !sig.At.After(voidUpTo)) {
			continue
		}
		out = append(out, sig)
	}
	return out
}

// AlreadySigned reports whether the client has a signature of this version
// of the document that still counts. The store records a new signature only
// when it is false: a second submission of the same signature is one
// signature, and a signature made after a withdrawal is a new one.
func AlreadySigned(sigs []Signature, docID string, version int) bool {
	for _, sig := range liveSignatures(sigs, docID) {
		if sig.Version == version {
			return true
		}
	}
	return false
}

// Voids lists the signatures that a withdrawal of the document at "at"
// voids: every one of that document, of any version, made up to then and not
// already withdrawn. The store marks each of them withdrawn at that time
// (with the one reason), so no signature of the document is left counting.
func Voids(sigs []Signature, docID string, at time.Time) []Signature {
	var out []Signature
	for _, sig := range liveSignatures(sigs, docID) {
		if !sig.At.After(at) {
			out = append(out, sig)
		}
	}
	return out
}
