package auth

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"doorway/internal/problem"
)

// Length limits, counted in characters (runes) so that a password in Greek or
// Japanese is not penalised for its encoding. The upper bound only stops a
// megabyte "password" being fed to argon2; it is far above anything typed.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswords is the deny-list, lower-cased.
var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{})
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = struct{}{}
	}
	return m
}()

// localPartMinContains is the shortest email local part that a password may
// not contain. Shorter ones ("jo", "x") would refuse half the dictionary, and
// cannot equal a password of the minimum length anyway.
const localPartMinContains = 4

// CheckPassword applies the password policy: 8 to 128 characters, not one of
// the commonest passwords, not built from the account's email address, not a
// single repeated character. There are deliberately no composition rules
// (digits, symbols, cases): they push people to predictable patterns without
// making passwords harder to guess. The error, if any, is an
// problem.Invalid on the "password" field, written for the person choosing.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen {
		return problem.Invalidf("password", "Please use at least %d characters. A few unrelated words together make a password that is long and easy to remember.", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return problem.Invalidf("password", "Please keep your password to %d characters or fewer.", MaxPasswordLen)
	}
	lower := strings.ToLower(password)
	if _, ok := commonPasswords[lower]; ok {
		return problem.Invalidf("password", "That password is one of the most common ones, so it would be among the first guessed. Please choose another.")
	}
	for _, part := range localParts(email) {
		if utf8.RuneCountInString(part) >= localPartMinContains && strings.Contains(lower, part) {
			return problem.Invalidf("password", "Please choose a password that does not contain your email address; it is easy to guess from it.")
		}
	}
	if repeatedRune(password) {
		return problem.Invalidf("password", "Please choose a password that is not one character repeated.")
	}
	return nil
}

// localParts returns the lower-cased local part of email and, for
// "name+tag@…", the name alone, since either would be guessed first.
func localParts(email string) []string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return nil
	}
	local := strings.ToLower(email[:at])
	parts := []string{local}
	if base, _, ok := strings.Cut(local, "+"); ok && base != "" {
		parts = append(parts, base)
	}
	return parts
}

// repeatedRune reports whether s is one character over and over.
func repeatedRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return s != ""
}
