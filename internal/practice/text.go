package practice

import (
	"strconv"
	"strings"
)

// lower is a label as it reads inside a sentence.
func lower(s string) string { return strings.ToLower(s) }

// itoa is a count in digits.
func itoa(n int) string { return strconv.Itoa(n) }
