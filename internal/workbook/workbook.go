// Package workbook holds Doorway's own words for someone exploring
// ketamine-assisted psychotherapy: a series of ten articles and the ten
// chapters of the free Reflection Workbook that follow them, from first
// curiosity to life after a course. Article n introduces chapter n.
//
// The text lives in Markdown files embedded in the binary, so that it reads
// as prose to whoever edits it. Each workbook prompt carries a written-in
// id ("ch7.p3"): clients answer prompts in the portal and their answers are
// stored under that id, so an id is never derived from a prompt's position
// and is never reused for a different question once published.
//
// The package is pure: it reads only its own embedded files.
package workbook

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Article is one piece of the public series.
type Article struct {
	Number int // 1–10, and the workbook chapter it introduces
	Slug   string
	Title  string
	// Description is one sentence, for share previews and the feed.
	Description string
	Body        string // Markdown
}

// Chapter is one chapter of the Reflection Workbook.
type Chapter struct {
	Number   int
	Title    string
	Reading  string // Markdown
	Prompts  []Prompt
	Practice Practice
}

// Prompt is a reflection question. Its text is plain, with no Markdown, so
// that a form label, an email and a printed page all show it as written.
type Prompt struct {
	ID      string // "ch7.p3": stable; answers are stored under it
	Chapter int
	Text    string
}

// Practice is a chapter's one practice: a few plain sentences on what it is
// and what it needs, then steps to follow in order.
type Practice struct {
	Title string
	Text  string
	Steps []string
}

var (
	//go:embed articles/*.md
	articleFiles embed.FS
	//go:embed chapters/*.md
	chapterFiles embed.FS
)

// The text is read once, as the program starts. It is part of the binary,
// so a file that does not parse is a mistake the tests catch, never
// something a clinic can cause at run time.
var articles, chapters = mustLoad()

func mustLoad() ([]Article, []Chapter) {
	as, err := loadArticles(articleFiles)
	if err != nil {
		panic("workbook: " + err.Error())
	}
	cs, err := loadChapters(chapterFiles)
	if err != nil {
		panic("workbook: " + err.Error())
	}
	return as, cs
}

// Articles returns the series in reading order.
func Articles() []Article { return slices.Clone(articles) }

// ArticleBySlug finds an article by the last part of its address.
func ArticleBySlug(slug string) (Article, bool) {
	for _, a := range articles {
		if a.Slug == slug {
			return a, true
		}
	}
	return Article{}, false
}

// Chapters returns the workbook's chapters in order. They are copies: a
// caller may change them without changing anyone else's.
func Chapters() []Chapter {
	out := make([]Chapter, len(chapters))
	for i, c := range chapters {
		out[i] = c.clone()
	}
	return out
}

// ChapterByNumber finds chapter n, counting from 1.
func ChapterByNumber(n int) (Chapter, bool) {
	if n < 1 || n > len(chapters) {
		return Chapter{}, false
	}
	return chapters[n-1].clone(), true
}

// PromptByID finds a prompt by its id.
func PromptByID(id string) (Prompt, bool) {
	for _, c := range chapters {
		for _, p := range c.Prompts {
			if p.ID == id {
				return p, true
			}
		}
	}
	return Prompt{}, false
}

func (c Chapter) clone() Chapter {
	c.Prompts = slices.Clone(c.Prompts)
	c.Practice.Steps = slices.Clone(c.Practice.Steps)
	return c
}

// files reads a folder's Markdown files in name order, with the number each
// name starts with ("07-the-first-72-hours.md" is 7). The numbers must run
// 1, 2, 3… with none missing.
func files(fsys fs.FS, dir string) ([]string, [][]byte, error) {
	names, err := fs.Glob(fsys, dir+"/*.md")
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(names)
	var texts [][]byte
	for i, name := range names {
		base := path.Base(name)
		prefix, _, ok := strings.Cut(base, "-")
		if n, err := strconv.Atoi(prefix); !ok || err != nil || n != i+1 {
			return nil, nil, fmt.Errorf("%s: want a name starting %02d-", name, i+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, err
		}
		texts = append(texts, b)
	}
	return names, texts, nil
}

func loadArticles(fsys fs.FS) ([]Article, error) {
	names, texts, err := files(fsys, "articles")
	if err != nil {
		return nil, err
	}
	var out []Article
	for i, b := range texts {
		meta, body, err := frontMatter(string(b), "title", "description", "slug")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", names[i], err)
		}
		out = append(out, Article{Number: i + 1, Slug: meta["slug"], Title: meta["title"],
			Description: meta["description"], Body: body})
	}
	return out, nil
}

func loadChapters(fsys fs.FS) ([]Chapter, error) {
	names, texts, err := files(fsys, "chapters")
	if err != nil {
		return nil, err
	}
	var out []Chapter
	for i, b := range texts {
		c, err := parseChapter(i+1, string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", names[i], err)
		}
		out = append(out, c)
	}
	return out, nil
}

// frontMatter splits a file into its "key: value" header, between two
// "---" lines, and its body. Every key in want must be there and not empty,
// and no other key may be: a misspelt key is a mistake, not an extra.
func frontMatter(src string, want ...string) (map[string]string, string, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	rest, ok := strings.CutPrefix(src, "---\n")
	if !ok {
		return nil, "", fmt.Errorf("no front matter: the file must start with a line of ---")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return nil, "", fmt.Errorf("front matter is not closed with a line of ---")
	}
	meta := map[string]string{}
	for _, line := range strings.Split(head, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, "", fmt.Errorf("front matter line %q is not key: value", line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !slices.Contains(want, k) {
			return nil, "", fmt.Errorf("front matter has an unknown key %q", k)
		}
		meta[k] = v
	}
	for _, k := range want {
		if meta[k] == "" {
			return nil, "", fmt.Errorf("front matter has no %s", k)
		}
	}
	return meta, strings.TrimSpace(body) + "\n", nil
}

var (
	promptLine = regexp.MustCompile(`^- \{(ch(\d+)\.p(\d+))\} (\S.*)$`)
	stepLine   = regexp.MustCompile(`^(\d+)\. (\S.*)$`)
)

// parseChapter reads a chapter file: the title in front matter, then the
// reading, then "## Prompts" with one "- {id} text" line per prompt, then
// "## Practice: title" with its text and numbered steps.
func parseChapter(n int, src string) (Chapter, error) {
	meta, body, err := frontMatter(src, "title")
	if err != nil {
		return Chapter{}, err
	}
	c := Chapter{Number: n, Title: meta["title"]}
	reading, rest, ok := strings.Cut(body, "\n## Prompts\n")
	if !ok {
		return Chapter{}, fmt.Errorf("no ## Prompts heading")
	}
	c.Reading = strings.TrimSpace(reading) + "\n"
	prompts, practice, ok := strings.Cut(rest, "\n## Practice: ")
	if !ok {
		return Chapter{}, fmt.Errorf("no ## Practice: heading")
	}
	for _, line := range strings.Split(strings.TrimSpace(prompts), "\n") {
		m := promptLine.FindStringSubmatch(line)
		if m == nil {
			return Chapter{}, fmt.Errorf("prompt line %q is not - {chN.pK} text", line)
		}
		if m[2] != strconv.Itoa(n) {
			return Chapter{}, fmt.Errorf("prompt %s is in chapter %d", m[1], n)
		}
		if slices.ContainsFunc(c.Prompts, func(p Prompt) bool { return p.ID == m[1] }) {
			return Chapter{}, fmt.Errorf("prompt %s appears twice", m[1])
		}
		c.Prompts = append(c.Prompts, Prompt{ID: m[1], Chapter: n, Text: m[4]})
	}
	title, text, _ := strings.Cut(practice, "\n")
	c.Practice.Title = strings.TrimSpace(title)
	var paras []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		para = strings.TrimSpace(para)
		first, _, _ := strings.Cut(para, "\n")
		if !stepLine.MatchString(first) {
			if len(c.Practice.Steps) > 0 {
				return Chapter{}, fmt.Errorf("practice text %q comes after its steps", para)
			}
			paras = append(paras, strings.Join(strings.Fields(para), " "))
			continue
		}
		for _, line := range strings.Split(para, "\n") {
			m := stepLine.FindStringSubmatch(line)
			if m == nil {
				return Chapter{}, fmt.Errorf("practice step %q is not N. text", line)
			}
			if m[1] != strconv.Itoa(len(c.Practice.Steps)+1) {
				return Chapter{}, fmt.Errorf("practice step %s is out of order", m[1])
			}
			c.Practice.Steps = append(c.Practice.Steps, m[2])
		}
	}
	c.Practice.Text = strings.Join(paras, "\n\n")
	if c.Practice.Title == "" || len(c.Practice.Steps) == 0 {
		return Chapter{}, fmt.Errorf("the practice needs a title and steps")
	}
	return c, nil
}
