package practice

import "strings"

// lower is a label as it reads inside a sentence.
func lower(s string) string { return strings.ToLower(s) }
