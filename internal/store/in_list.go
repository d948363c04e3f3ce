package store

import "strings"

// placeholders is "?, ?, …" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// inList is the condition "col IN (?, …)" over ids, with the ids as its
// arguments, for loading a page's worth of clients (or courses) in one
// statement instead of one statement each. No ids select nothing.
func inList(col string, ids []string) (string, []any) {
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (" + placeholders(len(ids)) + ")", args
}
