// Package auth holds Doorway's credential primitives: password hashing and
// policy, TOTP second factors, recovery codes, and the random identifiers and
// secrets that appear in URLs, cookies and links.
//
// It knows nothing of the database or HTTP. The store keeps what this package
// produces (PHC strings, hashes, TOTP secrets and last-used steps); the web
// layer decides when to call it. Nothing here ever returns or logs a password
// or a secret it was given.
package auth
