package view

import (
	"strconv"
	"strings"
)

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func itoaView(n int) string { return strconv.Itoa(n) }

// joinSemi lists items as one line, "a; b; c".
func joinSemi(items []string) string { return strings.Join(items, "; ") }
