package workbook

import (
	"strings"
	"unicode/utf8"

	"doorway/internal/problem"
)

// A clinic may keep its own copy of each article (DESIGN.md §2: the
// admin's "workbook text"). What an admin types goes through Checked
// before it is previewed or saved, so a preview shows exactly what a save
// would keep.

// The limits of an edited article. The description is shown whole by share
// previews and feed readers only up to about 200 characters, as the shipped
// descriptions are; the longest shipped body is under 7,000 characters.
const (
	MaxTitleRunes       = 200
	MaxDescriptionRunes = 200
	MaxBodyRunes        = 60000
)

// Checked is the article as it would be kept: spaces trimmed, line breaks
// made plain, the description one line. A field that is empty or too long
// is an Invalid problem naming it ("title", "description", "body").
func (a Article) Checked() (Article, error) {
	a.Title = strings.Join(strings.Fields(a.Title), " ")
	a.Description = strings.Join(strings.Fields(a.Description), " ")
	a.Body = strings.TrimSpace(strings.ReplaceAll(a.Body, "\r\n", "\n"))
	switch {
	case a.Title == "":
		return a, problem.Invalidf("title", "The article needs a title.")
	case utf8.RuneCountInString(a.Title) > MaxTitleRunes:
		return a, problem.Invalidf("title", "Keep the title under %d characters.", MaxTitleRunes)
	case a.Description == "":
		return a, problem.Invalidf("description", "Write one sentence saying what the article is about: it is what share previews and search results show.")
	case utf8.RuneCountInString(a.Description) > MaxDescriptionRunes:
		return a, problem.Invalidf("description", "Keep the description to one sentence of at most %d characters: share previews cut longer ones short.", MaxDescriptionRunes)
	case a.Body == "":
		return a, problem.Invalidf("body", "The article needs its text.")
	case utf8.RuneCountInString(a.Body) > MaxBodyRunes:
		return a, problem.Invalidf("body", "The article is too long (%d characters at most).", MaxBodyRunes)
	}
	a.Body += "\n"
	return a, nil
}
