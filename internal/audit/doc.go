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
//
// Someone who can write the database can also delete its checkpoints. Two
// things stop that from passing: RequireCoverage fails on any entry older
// than the checkpoint interval that no checkpoint covers, and a heads file,
// kept outside the database, holds each checkpoint again (HeadLine), so that
// CheckHeld and Expect find a head the database no longer holds or no longer
// agrees with.
package audit
