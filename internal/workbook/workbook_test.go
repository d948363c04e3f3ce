package workbook

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"doorway/internal/markdown"
)

var listNumber = regexp.MustCompile(`^\d+\.$`)

// words counts the words a reader reads: Markdown's markers ("##", "-",
// "1.") are not words.
func words(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 &&
			!listNumber.MatchString(f) {
			n++
		}
	}
	return n
}

func TestTenOfEach(t *testing.T) {
	if n := len(Articles()); n != 10 {
		t.Errorf("%d articles, want 10", n)
	}
	if n := len(Chapters()); n != 10 {
		t.Errorf("%d chapters, want 10", n)
	}
	for i, c := range Chapters() {
		if c.Number != i+1 {
			t.Errorf("chapter %d is numbered %d", i+1, c.Number)
		}
	}
}

func TestArticleLengths(t *testing.T) {
	for _, a := range Articles() {
		n := words(a.Body)
		t.Logf("article %2d  %4d words  %s", a.Number, n, a.Title)
		if n < 500 || n > 1100 {
			t.Errorf("article %d %q has %d words, want 500–1,100", a.Number, a.Title, n)
		}
		if strings.TrimSpace(a.Description) == "" || strings.Count(a.Description, ". ") > 0 || !strings.HasSuffix(a.Description, ".") {
			t.Errorf("article %d: the description should be one sentence: %q", a.Number, a.Description)
		}
		// Share previews cut long descriptions short.
		if len(a.Description) > 200 {
			t.Errorf("article %d: description is %d characters, want at most 200", a.Number, len(a.Description))
		}
	}
}

func TestChapterShape(t *testing.T) {
	for _, c := range Chapters() {
		n := words(c.Reading)
		t.Logf("chapter %2d  %4d words, %d prompts, practice %q  %s", c.Number, n, len(c.Prompts), c.Practice.Title, c.Title)
		if n < 300 || n > 700 {
			t.Errorf("chapter %d reading has %d words, want 300–700", c.Number, n)
		}
		if k := len(c.Prompts); k < 3 || k > 6 {
			t.Errorf("chapter %d has %d prompts, want 3–6", c.Number, k)
		}
		if c.Practice.Title == "" || c.Practice.Text == "" || len(c.Practice.Steps) < 3 {
			t.Errorf("chapter %d practice is thin: %+v", c.Number, c.Practice)
		}
		// Prompts and practices are plain text: a form label, a printed
		// page and an email all show them as written.
		plain := append([]string{c.Practice.Title, c.Practice.Text}, c.Practice.Steps...)
		for _, p := range c.Prompts {
			plain = append(plain, p.Text)
			if p.Chapter != c.Number {
				t.Errorf("prompt %s says chapter %d", p.ID, p.Chapter)
			}
		}
		for _, s := range plain {
			if strings.ContainsAny(s, "*_`[]#<>") {
				t.Errorf("chapter %d: Markdown or markup in plain text: %q", c.Number, s)
			}
		}
	}
}

// goldenPromptIDs is every prompt id, in order. Clients' answers are stored
// under these ids: an id may be added, but never removed, renumbered or
// given to a different question. Change this list only by appending.
var goldenPromptIDs = []string{
	"ch1.p1", "ch1.p2", "ch1.p3", "ch1.p4", "ch1.p5",
	"ch2.p1", "ch2.p2", "ch2.p3", "ch2.p4", "ch2.p5",
	"ch3.p1", "ch3.p2", "ch3.p3", "ch3.p4", "ch3.p5",
	"ch4.p1", "ch4.p2", "ch4.p3", "ch4.p4", "ch4.p5",
	"ch5.p1", "ch5.p2", "ch5.p3", "ch5.p4", "ch5.p5",
	"ch6.p1", "ch6.p2", "ch6.p3", "ch6.p4", "ch6.p5",
	"ch7.p1", "ch7.p2", "ch7.p3", "ch7.p4", "ch7.p5", "ch7.p6",
	"ch8.p1", "ch8.p2", "ch8.p3", "ch8.p4", "ch8.p5",
	"ch9.p1", "ch9.p2", "ch9.p3", "ch9.p4", "ch9.p5", "ch9.p6",
	"ch10.p1", "ch10.p2", "ch10.p3", "ch10.p4", "ch10.p5", "ch10.p6",
}

func TestPromptIDsAreStable(t *testing.T) {
	var got []string
	seen := map[string]bool{}
	for _, c := range Chapters() {
		for _, p := range c.Prompts {
			if seen[p.ID] {
				t.Errorf("prompt id %s is used twice", p.ID)
			}
			seen[p.ID] = true
			got = append(got, p.ID)
			if found, ok := PromptByID(p.ID); !ok || found != p {
				t.Errorf("PromptByID(%q) = %+v, %v", p.ID, found, ok)
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(goldenPromptIDs, " ") {
		t.Errorf("prompt ids changed:\n got %v\nwant %v", got, goldenPromptIDs)
	}
	if _, ok := PromptByID("ch11.p1"); ok {
		t.Error("found a prompt that does not exist")
	}
}

func TestSlugs(t *testing.T) {
	urlSafe := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, a := range Articles() {
		if !urlSafe.MatchString(a.Slug) || len(a.Slug) > 60 {
			t.Errorf("article %d slug %q is not lower-case words joined by hyphens", a.Number, a.Slug)
		}
		if seen[a.Slug] {
			t.Errorf("slug %q is used twice", a.Slug)
		}
		seen[a.Slug] = true
		if got, ok := ArticleBySlug(a.Slug); !ok || got != a {
			t.Errorf("ArticleBySlug(%q) = %v, %v", a.Slug, got.Title, ok)
		}
	}
	if _, ok := ArticleBySlug("no-such-article"); ok {
		t.Error("found an article that does not exist")
	}
}

// TestArticlesLeadToTheirChapter: each article ends by introducing its
// workbook chapter, by number and title.
func TestArticlesLeadToTheirChapter(t *testing.T) {
	for _, a := range Articles() {
		c, ok := ChapterByNumber(a.Number)
		if !ok {
			t.Fatalf("no chapter %d", a.Number)
		}
		paras := strings.Split(strings.TrimSpace(a.Body), "\n\n")
		last := paras[len(paras)-1]
		if paras[len(paras)-2] != "## In the workbook" {
			t.Errorf("article %d: the last section is not \"In the workbook\"", a.Number)
		}
		want := "Chapter " + strconv.Itoa(c.Number) + " of the Reflection Workbook, *" + c.Title + "*"
		if !strings.HasPrefix(last, want) {
			t.Errorf("article %d ends %q, want it to begin %q", a.Number, last, want)
		}
	}
}

// TestNoPlaceholders: nothing unfinished is published.
func TestNoPlaceholders(t *testing.T) {
	bad := regexp.MustCompile(`(?i)\b(todo|tbd|fixme|xxx|lorem|ipsum|placeholder)\b|\{\{|\]\(\)`)
	check := func(where, s string) {
		if m := bad.FindString(s); m != "" {
			t.Errorf("%s: placeholder %q", where, m)
		}
	}
	for _, a := range Articles() {
		for _, s := range []string{a.Title, a.Description, a.Slug, a.Body} {
			check("article "+a.Slug, s)
		}
	}
	for _, c := range Chapters() {
		where := "chapter " + c.Title
		check(where, c.Title)
		check(where, c.Reading)
		check(where, c.Practice.Title)
		check(where, c.Practice.Text)
		for _, s := range c.Practice.Steps {
			check(where, s)
		}
		for _, p := range c.Prompts {
			check(p.ID, p.Text)
		}
	}
}

// TestCopiesAreCopies: one caller's changes never reach another's.
func TestCopiesAreCopies(t *testing.T) {
	cs := Chapters()
	cs[6].Prompts[0].Text = "changed"
	cs[6].Practice.Steps[0] = "changed"
	if c, _ := ChapterByNumber(7); c.Prompts[0].Text == "changed" || c.Practice.Steps[0] == "changed" {
		t.Error("changing a returned chapter changed the package's copy")
	}
	if _, ok := ChapterByNumber(0); ok {
		t.Error("found chapter 0")
	}
	if _, ok := ChapterByNumber(11); ok {
		t.Error("found chapter 11")
	}
}

// TestCouplesChapter: chapter 9 is the couples chapter, and it carries the
// caution against big relationship decisions right after a session.
func TestCouplesChapter(t *testing.T) {
	c, _ := ChapterByNumber(9)
	if !strings.Contains(c.Title, "couples") || !strings.Contains(c.Reading, "big decisions") {
		t.Errorf("chapter 9: %q", c.Title)
	}
	a := Articles()[8]
	if !strings.Contains(a.Body, "major relationship decisions") {
		t.Error("article 9 does not caution against big relationship decisions")
	}
}

// TestBadFilesAreRefused: a mistake in a file is reported, not guessed at.
func TestBadFilesAreRefused(t *testing.T) {
	good := "---\ntitle: T\n---\n\nReading.\n\n## Prompts\n\n- {ch1.p1} A question?\n\n## Practice: P\n\nWhat it is.\n\n1. One.\n2. Two.\n"
	if _, err := parseChapter(1, good); err != nil {
		t.Fatalf("a good chapter: %v", err)
	}
	for name, src := range map[string]string{
		"no front matter":      strings.TrimPrefix(good, "---\n"),
		"unknown key":          strings.Replace(good, "title: T", "title: T\ntitel: T", 1),
		"no prompts heading":   strings.Replace(good, "## Prompts", "## Questions", 1),
		"prompt without id":    strings.Replace(good, "{ch1.p1} ", "", 1),
		"prompt of a chapter":  strings.Replace(good, "ch1.p1", "ch2.p1", 1),
		"prompt twice":         strings.Replace(good, "- {ch1.p1} A question?", "- {ch1.p1} A question?\n- {ch1.p1} Again?", 1),
		"no practice":          strings.Replace(good, "## Practice: P", "## P", 1),
		"steps out of order":   strings.Replace(good, "2. Two.", "3. Two.", 1),
		"text after the steps": good + "\nMore.\n",
	} {
		if _, err := parseChapter(1, src); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, _, err := files(fstest.MapFS{"articles/01-a.md": {}, "articles/03-c.md": {}}, "articles"); err == nil {
		t.Error("a missing number: no error")
	}
}

// TestTextRenders: our own text needs nothing the sanitiser takes out, so
// what a visitor reads is what was written.
func TestTextRenders(t *testing.T) {
	var texts []string
	for _, a := range Articles() {
		texts = append(texts, a.Body)
	}
	for _, c := range Chapters() {
		texts = append(texts, c.Reading)
	}
	for _, s := range texts {
		html := markdown.HTML(s)
		if strings.Contains(html, "raw HTML omitted") || !strings.HasPrefix(html, "<") {
			t.Errorf("renders badly: %.200s", html)
		}
		if len(markdown.Blocks(s)) < 5 {
			t.Errorf("too few blocks for print: %.80s", s)
		}
	}
}
