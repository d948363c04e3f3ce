package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/workbook"
)

// TestArticlesArePublic: a visitor reads the list and each article without
// signing in; an article is its Markdown rendered, ends with its workbook
// chapter, and says what a share preview needs. An unknown article, and
// an unknown clinic, are not found.
func TestArticlesArePublic(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	list := f.do("anonymous", "GET", "/articles", nil)
	if list.Code != http.StatusOK {
		t.Fatalf("the list: %d", list.Code)
	}
	body := list.Body.String()
	last := -1
	for _, a := range workbook.Articles() {
		at := strings.Index(body, `href="/articles/`+a.Slug+`"`)
		if at < 0 || at < last || !strings.Contains(body, escape(a.Description)) {
			t.Errorf("the list does not show article %d, in order, with its description", a.Number)
		}
		last = at
	}
	for _, want := range []string{`<link rel="canonical" href="http://example.com/articles">`, `<meta property="og:type" content="website">`,
		`<link rel="alternate" type="application/atom+xml" title="Main Clinic: articles" href="http://example.com/articles.atom">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %s", want)
		}
	}

	a := workbook.Articles()[6]
	page := f.do("anonymous", "GET", "/articles/"+a.Slug, nil)
	if page.Code != http.StatusOK {
		t.Fatalf("article 7: %d", page.Code)
	}
	body = page.Body.String()
	for _, want := range []string{
		"<h1 id=\"article-title\">" + escape(a.Title) + "</h1>",
		"<h2>In the workbook</h2>", // its Markdown, rendered
		`<meta name="description" content="` + escape(a.Description) + `">`,
		`<meta property="og:title" content="` + escape(a.Title) + `">`,
		`<meta property="og:description" content="` + escape(a.Description) + `">`,
		`<meta property="og:type" content="article">`,
		`<meta property="og:url" content="http://example.com/articles/` + a.Slug + `">`,
		`<link rel="canonical" href="http://example.com/articles/` + a.Slug + `">`,
		`href="/workbook/7"`, "Chapter 7: " + escape(workbook.Chapters()[6].Title),
		`href="/workbook.pdf?size=letter"`,
		`rel="prev"`, `rel="next"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("article 7 lacks %s", want)
		}
	}
	if strings.Contains(body, "## ") {
		t.Error("article 7 shows Markdown as written, not rendered")
	}
	for _, path := range []string{"/articles/no-such-article", "/articles?clinic=nowhere", "/articles/" + a.Slug + "?clinic=nowhere"} {
		if rec := f.do("anonymous", "GET", path, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
	// The other clinic's pages keep it in every link and address.
	body = f.do("anonymous", "GET", "/articles/"+a.Slug+"?clinic=other", nil).Body.String()
	for _, want := range []string{`<link rel="canonical" href="http://example.com/articles/` + a.Slug + `?clinic=other">`,
		`href="/workbook/7?clinic=other"`, `href="/workbook.pdf?clinic=other&amp;size=letter"`, "Other Clinic"} {
		if !strings.Contains(body, want) {
			t.Errorf("the other clinic's article lacks %s", want)
		}
	}
}

// escape is a text as templ writes it into a page.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// The feed as a reader reads it: only the elements Atom requires.
type feedRead struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []linkRead `xml:"link"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string     `xml:"id"`
		Title   string     `xml:"title"`
		Summary string     `xml:"summary"`
		Updated string     `xml:"updated"`
		Links   []linkRead `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

type linkRead struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

func (f *fixture) feed(path string) feedRead {
	f.t.Helper()
	rec := f.do("anonymous", "GET", path, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
		f.t.Fatalf("%s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
	}
	var feed feedRead
	if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
		f.t.Fatalf("%s is not XML in the Atom namespace: %v", path, err)
	}
	return feed
}

// href is the address of the link of relation rel.
func href(links []linkRead, rel string) string {
	for _, l := range links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// TestArticlesFeedIsAtom parses the feed and checks every element Atom 1.0
// requires (RFC 4287: the feed's id, title, updated, author and self link;
// each entry's id, title, updated, and here its summary and link), then
// that a clinic's own version and a hidden article show in it.
func TestArticlesFeedIsAtom(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	feed := f.feed("/articles.atom")
	if feed.ID != "http://example.com/articles" || feed.Title != "Main Clinic: articles" || feed.Author.Name != "Main Clinic" {
		t.Errorf("the feed: id %q, title %q, author %q", feed.ID, feed.Title, feed.Author.Name)
	}
	if self := href(feed.Links, "self"); self != "http://example.com/articles.atom" {
		t.Errorf("the self link is %q", self)
	}
	created := f.clinic.CreatedAt.UTC().Format(time.RFC3339)
	if feed.Updated != created {
		t.Errorf("updated %q, want the clinic's start %q while the text is the shipped one", feed.Updated, created)
	}
	if len(feed.Entries) != 10 {
		t.Fatalf("%d entries, want 10", len(feed.Entries))
	}
	ids := map[string]bool{}
	for i, e := range feed.Entries {
		a := workbook.Articles()[i]
		want := "http://example.com/articles/" + a.Slug
		if e.ID != want || ids[e.ID] || e.Title != a.Title || e.Summary != a.Description || href(e.Links, "alternate") != want {
			t.Errorf("entry %d: %+v", i+1, e)
		}
		ids[e.ID] = true
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry %d updated %q: %v", i+1, e.Updated, err)
		}
		if e.Content.Type != "html" || !strings.Contains(e.Content.Text, "<h2>") {
			t.Errorf("entry %d's content is not the article's HTML", i+1)
		}
	}

	// The clinic saves its own version of article 3 and hides article 5.
	f.now = f.now.Add(10 * time.Minute)
	third, fifth := workbook.Articles()[2], workbook.Articles()[4]
	f.saveArticle("admin", third.Slug, "Our own intentions", http.StatusSeeOther)
	if rec := f.do("admin", "POST", "/admin/articles/"+fifth.Slug+"/visibility", url.Values{"visibility": {"hidden"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("hide: %d", rec.Code)
	}
	feed = f.feed("/articles.atom")
	if len(feed.Entries) != 9 {
		t.Errorf("%d entries with one hidden, want 9", len(feed.Entries))
	}
	saved := f.now.UTC().Format(time.RFC3339)
	for _, e := range feed.Entries {
		if strings.HasSuffix(e.ID, "/"+fifth.Slug) {
			t.Error("the hidden article is in the feed")
		}
		if strings.HasSuffix(e.ID, "/"+third.Slug) && (e.Title != "Our own intentions" || e.Updated != saved) {
			t.Errorf("the edited article's entry: %q updated %q, want %q", e.Title, e.Updated, saved)
		}
	}
	if feed.Updated != saved {
		t.Errorf("the feed's updated %q, want its newest entry's %q", feed.Updated, saved)
	}
	// The other clinic's feed names itself, and is untouched by this one's.
	other := f.feed("/articles.atom?clinic=other")
	if other.ID != "http://example.com/articles?clinic=other" || href(other.Links, "self") != "http://example.com/articles.atom?clinic=other" ||
		len(other.Entries) != 10 || other.Entries[2].Title != third.Title {
		t.Errorf("the other clinic's feed: %s, %d entries", other.ID, len(other.Entries))
	}
}

// saveArticle sends an edit of an article as who, with a body of its own.
func (f *fixture) saveArticle(who, slug, title string, want int) {
	f.t.Helper()
	rec := f.do(who, "POST", "/admin/articles/"+slug, url.Values{"title": {title}, "description": {"Our clinic's words."},
		"body": {"## Our way\n\nHow *we* work."}})
	if rec.Code != want || want == http.StatusSeeOther && rec.Header().Get("Location") != "/admin/articles/"+slug+"?done=saved" {
		f.t.Fatalf("saving %s as %s: %d %s, want %d", slug, who, rec.Code, rec.Header().Get("Location"), want)
	}
}

// hostileArticle is what someone might paste into an article to attack
// its readers; the script's words are also a marker to look for.
const hostileArticle = "## Before you come\n\nRest *well*.\n\n<script>alert('Hostile-Script-Q1')</script>\n\n" +
	"<img src=x onerror=\"alert('Hostile-Img-Q2')\">\n\n[call us](javascript:alert('Hostile-Link-Q3'))\n\n" +
	"<iframe src=\"https://evil.example/\"></iframe>\n\nText <b onclick=\"steal()\">bold</b>."

// TestAdminEditsAnArticle: an admin previews an edit exactly as the public
// page renders it, without saving; saves it as version 1, which the public
// page then shows; goes back to the shipped text as version 2; and hides
// the article, which is then not found. A hostile edit never reaches a
// page as markup. Every change is audited by slug and version alone; staff
// who are not admins, and another clinic's admin, change nothing.
func TestAdminEditsAnArticle(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := workbook.Articles()[3]
	path := "/admin/articles/" + a.Slug
	public := "/articles/" + a.Slug
	if b := f.do("admin", "GET", "/admin/articles", nil).Body.String(); !strings.Contains(b, `href="`+path+`"`) || !strings.Contains(b, "the text Doorway ships") {
		t.Errorf("the admin's list of articles:\n%s", b)
	}
	if b := f.do("admin", "GET", path, nil).Body.String(); !strings.Contains(b, escape(a.Description)) || !strings.Contains(b, "The text Doorway ships") {
		t.Errorf("the editor does not start from the shipped text")
	}

	edit := url.Values{"title": {"Getting ready, our way"}, "description": {"How we help you prepare."}, "body": {hostileArticle}}
	rec := f.do("admin", "POST", path+"/preview", edit)
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: %d %s", rec.Code, rec.Body)
	}
	preview := between(rec.Body.String(), `class="preview-frame"`, "</section>")
	if !strings.Contains(preview, "<h2>Before you come</h2>") || !strings.Contains(preview, "<em>well</em>") || !strings.Contains(preview, "Getting ready, our way") {
		t.Errorf("the preview does not render the edit:\n%s", preview)
	}
	// Nothing is saved by a preview.
	if b := f.do("anonymous", "GET", public, nil).Body.String(); strings.Contains(b, "our way") {
		t.Error("the preview was published")
	}

	f.now = f.now.Add(time.Minute)
	if rec := f.do("admin", "POST", path, edit); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path+"?done=saved" {
		t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	page := f.do("anonymous", "GET", public, nil).Body.String()
	if !strings.Contains(page, "Getting ready, our way") || !strings.Contains(page, "<h2>Before you come</h2>") {
		t.Errorf("the public page does not show the saved version")
	}
	// The preview is the public page's rendering, word for word.
	if got, want := between(page, `<article class="prose"`, "</article>"), between(preview, `<article class="prose"`, "</article>"); got != want {
		t.Errorf("the preview and the public page differ:\npreview %s\npublic  %s", want, got)
	}
	// The hostile parts reach neither page as markup; on the public page
	// not even as words.
	for name, body := range map[string]string{"preview": preview, "public page": page} {
		low := strings.ToLower(body)
		for _, bad := range []string{"<script", "onerror", "onclick", "javascript:", "<iframe", "evil.example"} {
			if strings.Contains(low, bad) {
				t.Errorf("the %s holds %q", name, bad)
			}
		}
	}
	for _, bad := range []string{"Hostile-Script-Q1", "Hostile-Img-Q2", "Hostile-Link-Q3"} {
		if strings.Contains(page, bad) {
			t.Errorf("the public page holds %q", bad)
		}
	}

	// A refused edit says why by its field, keeps what was typed and saves
	// nothing.
	rec = f.do("admin", "POST", path, url.Values{"title": {"  "}, "description": {"Kept words."}, "body": {"Kept body."}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "The article needs a title.") || !strings.Contains(rec.Body.String(), "Kept body.") {
		t.Errorf("an empty title: %d", rec.Code)
	}
	// Going back: the form starts from the shipped text, saved as version 2.
	if b := f.do("admin", "GET", path+"?from=0", nil).Body.String(); !strings.Contains(b, escape(a.Title)) || !strings.Contains(b, "The form holds the text Doorway ships") {
		t.Errorf("starting from the shipped text:\n%s", between(b, "<main", "</form>"))
	}
	f.now = f.now.Add(time.Minute)
	if rec := f.do("admin", "POST", path, url.Values{"title": {a.Title}, "description": {a.Description}, "body": {a.Body}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("save the shipped text again: %d", rec.Code)
	}
	if b := f.do("anonymous", "GET", public, nil).Body.String(); !strings.Contains(b, escape(a.Title)) || strings.Contains(b, "our way") {
		t.Error("the public page does not show version 2")
	}
	if b := f.do("admin", "GET", path, nil).Body.String(); !strings.Contains(b, "Version 2") || !strings.Contains(b, "Version 1") {
		t.Error("the editor does not list both versions")
	}

	// Hidden, it is not there for visitors; published again, it is. A form
	// that says neither changes nothing.
	if rec := f.do("admin", "POST", path+"/visibility", url.Values{}); rec.Code != http.StatusBadRequest {
		t.Errorf("visibility without a choice: %d", rec.Code)
	}
	if rec := f.do("admin", "POST", path+"/visibility", url.Values{"visibility": {"hidden"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("hide: %d", rec.Code)
	}
	if rec := f.do("anonymous", "GET", public, nil); rec.Code != http.StatusNotFound {
		t.Errorf("a hidden article: %d", rec.Code)
	}
	if b := f.do("anonymous", "GET", "/articles", nil).Body.String(); strings.Contains(b, public) {
		t.Error("the list links a hidden article")
	}
	if b := f.do("anonymous", "GET", "/workbook", nil).Body.String(); strings.Contains(b, public) {
		t.Error("the workbook links a hidden article")
	}
	if rec := f.do("admin", "POST", path+"/visibility", url.Values{"visibility": {"published"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d", rec.Code)
	}
	if rec := f.do("anonymous", "GET", public, nil); rec.Code != http.StatusOK {
		t.Errorf("published again: %d", rec.Code)
	}

	// Nobody but the clinic's admin changes it.
	for _, who := range []string{"assigned", "prescriber", "clientA"} {
		f.saveArticle(who, a.Slug, "Not theirs", http.StatusNotFound)
		if rec := f.do(who, "POST", path+"/visibility", url.Values{"visibility": {"hidden"}}); rec.Code != http.StatusNotFound {
			t.Errorf("%s hiding: %d", who, rec.Code)
		}
	}
	f.saveArticle("foreignAdmin", a.Slug, "Another clinic's words", http.StatusSeeOther)
	if b := f.do("anonymous", "GET", public, nil).Body.String(); strings.Contains(b, "Another clinic") || strings.Contains(b, "Not theirs") {
		t.Error("someone else's edit reached this clinic's page")
	}
	if b := f.do("anonymous", "GET", public+"?clinic=other", nil).Body.String(); !strings.Contains(b, "Another clinic&#39;s words") {
		t.Error("the other clinic's admin's edit is not on its own page")
	}

	// The log names the article by its slug and the version, nothing of its words.
	var got []string
	for _, e := range f.auditActions("article.") {
		got = append(got, e.Action+" "+e.ResourceID+" "+e.Detail)
		if strings.Contains(e.Detail, "Hostile") || strings.Contains(e.Detail, "our way") {
			t.Errorf("the audit entry holds the article's words: %+v", e)
		}
	}
	want := []string{"article.publish " + a.Slug + " ", "article.hide " + a.Slug + " ", "article.save " + a.Slug + " version 2", "article.save " + a.Slug + " version 1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit entries, newest first:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
