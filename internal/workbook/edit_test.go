package workbook

import (
	"strings"
	"testing"

	"doorway/internal/problem"
)

func TestCheckedTidiesAnEdit(t *testing.T) {
	got, err := Article{Slug: "intentions", Title: "  Setting\tintentions ", Description: "What an intention is,\r\nand is not.",
		Body: "\r\n## A heading\r\n\r\nText.  \r\n\r\n"}.Checked()
	if err != nil {
		t.Fatal(err)
	}
	want := Article{Slug: "intentions", Title: "Setting intentions", Description: "What an intention is, and is not.", Body: "## A heading\n\nText.\n"}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestCheckedNamesTheField(t *testing.T) {
	ok := Article{Title: "A title", Description: "One sentence.", Body: "Text."}
	long := func(n int) string { return strings.Repeat("é", n) }
	cases := []struct {
		name  string
		edit  func(a *Article)
		field string
	}{
		{"no title", func(a *Article) { a.Title = " \t" }, "title"},
		{"long title", func(a *Article) { a.Title = long(MaxTitleRunes + 1) }, "title"},
		{"no description", func(a *Article) { a.Description = "" }, "description"},
		{"long description", func(a *Article) { a.Description = long(MaxDescriptionRunes + 1) }, "description"},
		{"no body", func(a *Article) { a.Body = "\r\n  \n" }, "body"},
		{"long body", func(a *Article) { a.Body = long(MaxBodyRunes + 1) }, "body"},
	}
	for _, c := range cases {
		a := ok
		c.edit(&a)
		_, err := a.Checked()
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != c.field {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
	// At the limits, in characters rather than bytes, it is kept.
	a := Article{Title: long(MaxTitleRunes), Description: long(MaxDescriptionRunes), Body: long(MaxBodyRunes)}
	if _, err := a.Checked(); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}

// TestShippedArticlesPassTheirOwnCheck: the text the project ships is what
// an admin starts from, so saving it unchanged must work.
func TestShippedArticlesPassTheirOwnCheck(t *testing.T) {
	for _, a := range Articles() {
		got, err := a.Checked()
		if err != nil {
			t.Errorf("article %d: %v", a.Number, err)
		}
		if got != a {
			t.Errorf("article %d changes when checked", a.Number)
		}
	}
}
