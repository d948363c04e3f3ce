package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"doorway/internal/markdown"
	"doorway/internal/practice"
	"doorway/internal/web/view"
	"doorway/internal/workbook"
)

// The public article series: ten articles, each leading to its chapter of
// the Reflection Workbook, as each clinic publishes them; and their Atom
// feed. Like the front door, a page is for the clinic ?clinic= names, or
// the installation's first; every link keeps the clinic the visitor came
// for.

func (s *Server) seriesRoutes() []Route {
	return []Route{
		{"GET", "/articles", Public, s.showArticles},
		{"GET", "/articles.atom", Public, s.showArticlesFeed},
		{"GET", "/articles/{slug}", Public, s.showArticle},
		{"GET", "/workbook", Public, s.showWorkbook},               // workbook.go
		{"GET", "/workbook.pdf", Public, s.showWorkbookPDF},        // workbook.go
		{"GET", "/workbook/{n}", Public, s.showWorkbookChapter},    // workbook.go
		{"GET", "/admin/articles", StaffOnly, s.showAdminArticles}, // articles_admin.go
		{"GET", "/admin/articles/{slug}", StaffOnly, s.showAdminArticle},
		{"POST", "/admin/articles/{slug}", StaffOnly, s.doSaveArticle},
		{"POST", "/admin/articles/{slug}/preview", StaffOnly, s.doPreviewArticle},
		{"POST", "/admin/articles/{slug}/visibility", StaffOnly, s.doArticleVisibility},
	}
}

// series loads the public series for the clinic the request names; false
// when the answer has been written.
func (s *Server) series(w http.ResponseWriter, r *http.Request) (practice.Series, bool) {
	series, err := s.app.PublicSeries(r.Context(), s.actor(r), r.URL.Query().Get("clinic"))
	if err != nil {
		s.fail(w, r, err)
		return series, false
	}
	return series, true
}

// publicPath is the address of a public page for the clinic c, with query
// pairs: ?clinic= names the clinic unless it is the one a visitor reaches
// without naming any.
func publicPath(c practice.PublicClinic, path string, pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Set(pairs[i], pairs[i+1])
	}
	if !c.Default {
		q.Set("clinic", c.ShortName)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func articlePath(c practice.PublicClinic, slug string) string {
	return publicPath(c, "/articles/"+slug)
}

func chapterPath(c practice.PublicClinic, n int) string {
	return publicPath(c, "/workbook/"+strconv.Itoa(n))
}

func workbookPDFs(c practice.PublicClinic) view.WorkbookPDFs {
	return view.WorkbookPDFs{A4: publicPath(c, "/workbook.pdf", "size", "a4"), Letter: publicPath(c, "/workbook.pdf", "size", "letter")}
}

// publicHead is what a public page of the series tells those who link to
// it: its description, its one address and the clinic's feed.
func (s *Server) publicHead(r *http.Request, c practice.PublicClinic, path, description, kind string) view.Head {
	base := s.baseURL(r)
	return view.Head{Description: description, Canonical: base + path, OGType: kind, SiteName: c.Name,
		Feed: base + publicPath(c, "/articles.atom"), FeedTitle: c.Name + ": articles"}
}

func (s *Server) showArticles(w http.ResponseWriter, r *http.Request) {
	series, ok := s.series(w, r)
	if !ok {
		return
	}
	c := series.Clinic
	v := view.ArticlesView{Clinic: publicClinicView(c.Clinic), Workbook: publicPath(c, "/workbook"), Feed: publicPath(c, "/articles.atom")}
	for _, a := range series.Articles {
		v.Articles = append(v.Articles, view.ArticleItem{Number: a.Number, Title: a.Title, Description: a.Description, Href: articlePath(c, a.Slug)})
	}
	p := s.page(r, "Articles", "")
	p.Head = s.publicHead(r, c, publicPath(c, "/articles"),
		"Ten short articles about ketamine-assisted psychotherapy from "+c.Name+", from first curiosity to life after a course.", "website")
	s.render(w, r, http.StatusOK, view.Articles(p, v))
}

// articleText is an article as it reads, for the clinic c: the public page
// and the admin's preview show it alike.
func articleText(c practice.PublicClinic, a workbook.Article) view.ArticleView {
	v := view.ArticleView{Clinic: publicClinicView(c.Clinic), Number: a.Number, Title: a.Title, Description: a.Description, Body: a.Body,
		Series: publicPath(c, "/articles")}
	if ch, ok := workbook.ChapterByNumber(a.Number); ok {
		v.Chapter = view.ChapterCard{Number: ch.Number, Title: ch.Title, Prompts: len(ch.Prompts), Practice: ch.Practice.Title,
			Href: chapterPath(c, ch.Number), PDF: workbookPDFs(c).Letter}
	}
	return v
}

func (s *Server) showArticle(w http.ResponseWriter, r *http.Request) {
	series, ok := s.series(w, r)
	if !ok {
		return
	}
	c := series.Clinic
	slug := r.PathValue("slug")
	var v view.ArticleView
	found := false
	for i, a := range series.Articles {
		if a.Slug != slug {
			continue
		}
		v, found = articleText(c, a.Article), true
		if i > 0 {
			prev := series.Articles[i-1]
			v.Prev = view.SeriesLink{Title: prev.Title, Href: articlePath(c, prev.Slug)}
		}
		if i+1 < len(series.Articles) {
			next := series.Articles[i+1]
			v.Next = view.SeriesLink{Title: next.Title, Href: articlePath(c, next.Slug)}
		}
	}
	// A hidden article is not there at all, as an unknown one.
	if !found {
		s.notFound(w, r)
		return
	}
	p := s.page(r, v.Title, "")
	p.Head = s.publicHead(r, c, articlePath(c, slug), v.Description, "article")
	s.render(w, r, http.StatusOK, view.Article(p, v))
}

// The Atom feed (RFC 4287) of a clinic's published articles.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Summary string      `xml:"summary"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Content atomContent `xml:"content"`
}

// atomContent is an entry's whole article as HTML, escaped into the XML
// as Atom's type="html" wants.
type atomContent struct {
	Type string `xml:"type,attr"`
	HTML string `xml:",chardata"`
}

// atomTime is a date as Atom writes it.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) showArticlesFeed(w http.ResponseWriter, r *http.Request) {
	series, ok := s.series(w, r)
	if !ok {
		return
	}
	c, base := series.Clinic, s.baseURL(r)
	self, page := base+publicPath(c, "/articles.atom"), base+publicPath(c, "/articles")
	// A feed without entries is as old as the clinic.
	updated := c.CreatedAt
	feed := atomFeed{ID: page, Title: c.Name + ": articles", Author: atomAuthor{Name: c.Name},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: page}}}
	for _, a := range series.Articles {
		href := base + articlePath(c, a.Slug)
		feed.Entries = append(feed.Entries, atomEntry{ID: href, Title: a.Title, Summary: a.Description, Updated: atomTime(a.SavedAt),
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: href}}, Content: atomContent{Type: "html", HTML: markdown.HTML(a.Body)}})
		if a.SavedAt.After(updated) {
			updated = a.SavedAt
		}
	}
	feed.Updated = atomTime(updated)
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(xml.Header)) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
	w.Write(out)                // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
	w.Write([]byte("\n"))       // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}
