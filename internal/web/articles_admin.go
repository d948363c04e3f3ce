package web

import (
	"net/http"
	"strconv"

	"doorway/internal/practice"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The admin's copy of the article series: each article edited in Markdown,
// previewed exactly as the public page will show it, saved as a new
// version, and published or hidden.

// adminArticlePath is the editor of an article.
func adminArticlePath(slug string) string { return "/admin/articles/" + slug }

// versionWords says which text an article shows: "version 3, saved Mar 2,
// 2026" or the shipped text.
func versionWords(a practice.Article, tf timefmt.Format) string {
	if a.Version == 0 {
		return "the text Doorway ships"
	}
	return "version " + strconv.Itoa(a.Version) + ", saved " + view.When(a.SavedAt, tf)
}

func (s *Server) showAdminArticles(w http.ResponseWriter, r *http.Request) {
	series, err := s.app.ClinicArticles(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := series.Clinic
	var rows []view.AdminArticleRow
	for _, a := range series.Articles {
		rows = append(rows, view.AdminArticleRow{Number: a.Number, Title: a.Title, Version: versionWords(a, s.timeFormat(r)), Hidden: a.Hidden,
			Href: adminArticlePath(a.Slug), Public: articlePath(c, a.Slug)})
	}
	s.render(w, r, http.StatusOK, view.AdminArticles(s.page(r, "Articles", "/admin/settings"), rows))
}

// editor is the admin's page for the article slug: its history, and the
// form holding version from (the current one when from is negative), or
// typed when the admin sent something back.
type editor struct {
	slug  string
	from  int
	typed *view.ArticleForm
	// previewed is the edit as the public page would show it.
	previewed *view.ArticleView
	notice    string
}

func (s *Server) renderArticleEditor(w http.ResponseWriter, r *http.Request, status int, e editor) {
	h, err := s.app.EditArticle(r.Context(), s.actor(r), e.slug)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur := h.Current
	start, ok := h.Version(e.from)
	if !ok {
		start = cur
	}
	v := view.AdminArticleView{Title: cur.Title, Action: adminArticlePath(e.slug),
		Preview: adminArticlePath(e.slug) + "/preview", Visibility: adminArticlePath(e.slug) + "/visibility",
		Public: articlePath(h.Clinic, e.slug), Hidden: cur.Hidden, Previewed: e.previewed,
		Form: view.ArticleForm{Title: start.Title, Description: start.Description, Body: start.Body}}
	if e.typed != nil {
		v.Form = *e.typed
	} else if start.Version != cur.Version {
		v.StartedFrom = versionWords(start, s.timeFormat(r))
	}
	tf := s.timeFormat(r)
	for _, ver := range h.Versions {
		row := view.ArticleVersionRow{Label: "The text Doorway ships", Current: ver.Version == cur.Version,
			Editing: e.typed == nil && ver.Version == start.Version,
			Href:    adminArticlePath(e.slug) + "?from=" + strconv.Itoa(ver.Version)}
		if ver.Version > 0 {
			row.Label = "Version " + strconv.Itoa(ver.Version)
			row.Saved = "saved " + view.When(ver.SavedAt, tf)
			if name := h.Names[ver.SavedBy]; name != "" {
				row.Saved += " by " + name
			}
		}
		v.Versions = append(v.Versions, row)
	}
	p := s.page(r, "Edit: "+cur.Title, "/admin/settings")
	if e.notice != "" {
		p.Flash, p.FlashKind = e.notice, "ok"
	}
	s.render(w, r, status, view.AdminArticle(p, v))
}

func (s *Server) showAdminArticle(w http.ResponseWriter, r *http.Request) {
	e := editor{slug: r.PathValue("slug"), from: -1}
	if from, err := strconv.Atoi(r.URL.Query().Get("from")); err == nil {
		e.from = from
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		e.notice = "Saved. The public page shows this version now."
	case practice.Published:
		e.notice = "Published: the article is on the public pages and in the feed."
	case practice.Hidden:
		e.notice = "Hidden: the article is off the public pages and out of the feed. Its text and versions are kept."
	}
	s.renderArticleEditor(w, r, http.StatusOK, e)
}

// typedArticle is the edit as the admin sent it.
func typedArticle(r *http.Request) practice.ArticleInput {
	return practice.ArticleInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Body: r.PostFormValue("body")}
}

// refuseEdit shows the editor again with what the admin typed and the
// message by its field, or answers err as it is.
func (s *Server) refuseEdit(w http.ResponseWriter, r *http.Request, slug string, in practice.ArticleInput, err error) {
	s.refuseForm(w, r, err, func(errs view.FieldErrors) {
		s.renderArticleEditor(w, r, http.StatusBadRequest, editor{slug: slug, from: -1,
			typed: &view.ArticleForm{Title: in.Title, Description: in.Description, Body: in.Body, Errors: errs}})
	})
}

func (s *Server) doSaveArticle(w http.ResponseWriter, r *http.Request) {
	slug, in := r.PathValue("slug"), typedArticle(r)
	if _, err := s.app.SaveArticle(r.Context(), s.actor(r), slug, in); err != nil {
		s.refuseEdit(w, r, slug, in, err)
		return
	}
	http.Redirect(w, r, adminArticlePath(slug)+"?done=saved", http.StatusSeeOther)
}

func (s *Server) doPreviewArticle(w http.ResponseWriter, r *http.Request) {
	slug, in := r.PathValue("slug"), typedArticle(r)
	c, a, err := s.app.PreviewArticle(r.Context(), s.actor(r), slug, in)
	if err != nil {
		s.refuseEdit(w, r, slug, in, err)
		return
	}
	previewed := articleText(c, a)
	s.renderArticleEditor(w, r, http.StatusOK, editor{slug: slug, from: -1, previewed: &previewed,
		typed: &view.ArticleForm{Title: in.Title, Description: in.Description, Body: in.Body}})
}

func (s *Server) doArticleVisibility(w http.ResponseWriter, r *http.Request) {
	slug, visibility := r.PathValue("slug"), r.PostFormValue("visibility")
	if err := s.app.SetArticleVisibility(r.Context(), s.actor(r), slug, visibility); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, adminArticlePath(slug)+"?done="+visibility, http.StatusSeeOther)
}
