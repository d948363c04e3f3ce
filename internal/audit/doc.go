// Package audit is the pure part of Doorway's hash-chained audit log: the
// entry, its canonical encoding and hash, the streaming verifier, and signed
// checkpoints. The store appends and reads the rows; the database refuses to
// change them; this package proves they were not changed anyway.
//
// Each entry's Hash is hex(SHA-256(PrevHash || canonical(entry))), and each
// PrevHash is the Hash of the entry before, so editing, deleting, inserting
// or reordering an entry breaks the chain at that point. Anyone able to write
// the table can still rewrite the whole tail and recompute every hash, or cut
// the tail off; checkpoints, signed with a key that is not in the database,
// pin the chain's head from time to time so that both are detected.
package audit
