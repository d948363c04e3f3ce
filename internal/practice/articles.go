package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/workbook"
)

// The public article series and the Reflection Workbook as each clinic
// publishes them, and the admin's own copy of each article (DESIGN.md §2:
// the admin keeps the "workbook text"). The shipped text is version 0 and is
// what a clinic shows until it saves its own; every save is a new version.
// Nothing here is client data: public reads are not audited, and the
// admin's changes are, naming the article by its slug only.

// Article is an article as a clinic shows it.
type Article struct {
	workbook.Article
	// Version is 0 for the shipped text, then 1, 2, 3… for the clinic's.
	Version int
	// SavedAt is when this version was saved; for the shipped text, when
	// the clinic began, since that is when it started showing it.
	SavedAt time.Time
	SavedBy string // the admin who saved it, by id; "" for the shipped text
	Hidden  bool
}

// PublicClinic is the clinic whose public pages a visitor reads.
type PublicClinic struct {
	store.Clinic
	// Default is true for the clinic a visitor reaches without naming one,
	// whose addresses need no ?clinic=.
	Default bool
}

// Series is a clinic's public series: its articles as it shows them, in
// reading order, hidden ones left out.
type Series struct {
	Clinic   PublicClinic
	Articles []Article
}

// Article finds a published article by its slug.
func (s Series) Article(slug string) (Article, bool) {
	for _, a := range s.Articles {
		if a.Slug == slug {
			return a, true
		}
	}
	return Article{}, false
}

// ArticleOf finds the published article that introduces chapter n.
func (s Series) ArticleOf(n int) (Article, bool) {
	for _, a := range s.Articles {
		if a.Number == n {
			return a, true
		}
	}
	return Article{}, false
}

var (
	opArticleSave = op{action: "article.save"}
	opArticleShow = op{action: "article.publish"}
	opArticleHide = op{action: "article.hide"}
)

// publicClinic is the clinic a visitor's page is for, as the front door
// chooses it: the one ?clinic= names (its short name or id), else the
// installation's first.
func publicClinic(ctx context.Context, tx *store.Tx, ref string) (PublicClinic, error) {
	ref = strings.TrimSpace(ref)
	first, err := tx.FirstClinic(ctx)
	if err != nil {
		return PublicClinic{}, err
	}
	if ref == "" || ref == first.ID || ref == first.ShortName {
		return PublicClinic{Clinic: first, Default: true}, nil
	}
	c, err := tx.ClinicByRef(ctx, ref)
	if problem.CodeOf(err) == problem.NotFound {
		return PublicClinic{}, problem.New(problem.NotFound, "That clinic was not found.")
	}
	return PublicClinic{Clinic: c}, err
}

// PublicSeries loads the series a visitor reads, for the clinic clinicRef
// names ("" for the installation's first).
func (s *Service) PublicSeries(ctx context.Context, a Actor, clinicRef string) (Series, error) {
	var out Series
	err := s.read(ctx, a, func(tx *store.Tx) error {
		c, err := publicClinic(ctx, tx, clinicRef)
		if err != nil {
			return err
		}
		all, err := clinicArticles(ctx, tx, c.Clinic)
		if err != nil {
			return err
		}
		out.Clinic = c
		for _, art := range all {
			if !art.Hidden {
				out.Articles = append(out.Articles, art)
			}
		}
		return nil
	})
	return out, err
}

// clinicArticles is every article as the clinic shows it, in reading order.
func clinicArticles(ctx context.Context, tx *store.Tx, c store.Clinic) ([]Article, error) {
	latest, err := tx.LatestArticleVersions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	hidden, err := tx.HiddenArticles(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []Article
	for _, shipped := range workbook.Articles() {
		art := Article{Article: shipped, SavedAt: c.CreatedAt, Hidden: hidden[shipped.Slug]}
		if v, ok := latest[shipped.Slug]; ok {
			art = versionOf(shipped, v, art.Hidden)
		}
		out = append(out, art)
	}
	return out, nil
}

// versionOf is a saved version of the shipped article.
func versionOf(shipped workbook.Article, v store.ArticleVersion, hidden bool) Article {
	shipped.Title, shipped.Description, shipped.Body = v.Title, v.Description, v.Body
	return Article{Article: shipped, Version: v.Version, SavedAt: v.CreatedAt, SavedBy: v.CreatedBy, Hidden: hidden}
}

// ClinicArticles is the admin's clinic's series with its hidden articles
// too, for the admin.
func (s *Service) ClinicArticles(ctx context.Context, a Actor) (Series, error) {
	var out Series
	if err := s.allowClinic(ctx, a, op{}, access.ClinicSettings, access.Read); err != nil {
		return out, err
	}
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		if out.Clinic, err = publicClinic(ctx, tx, a.P.ClinicID); err != nil {
			return err
		}
		out.Articles, err = clinicArticles(ctx, tx, out.Clinic.Clinic)
		return err
	})
	return out, err
}

// ArticleHistory is one article as the admin edits it.
type ArticleHistory struct {
	Clinic  PublicClinic
	Current Article
	// Versions are every version, newest first, ending with the shipped
	// text (version 0).
	Versions []Article
	// Names are the admins who saved them, by user id.
	Names map[string]string
}

// Version finds version n of the article.
func (h ArticleHistory) Version(n int) (Article, bool) {
	for _, v := range h.Versions {
		if v.Version == n {
			return v, true
		}
	}
	return Article{}, false
}

// EditArticle loads an article with every version of it, for the admin.
func (s *Service) EditArticle(ctx context.Context, a Actor, slug string) (ArticleHistory, error) {
	var h ArticleHistory
	if err := s.allowClinic(ctx, a, op{}, access.ClinicSettings, access.Read); err != nil {
		return h, err
	}
	shipped, err := shippedArticle(slug)
	if err != nil {
		return h, err
	}
	err = s.read(ctx, a, func(tx *store.Tx) error {
		var err error
		if h.Clinic, err = publicClinic(ctx, tx, a.P.ClinicID); err != nil {
			return err
		}
		hidden, err := tx.HiddenArticles(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		saved, err := tx.ArticleVersions(ctx, a.P.ClinicID, slug)
		if err != nil {
			return err
		}
		for _, v := range saved {
			h.Versions = append(h.Versions, versionOf(shipped, v, hidden[slug]))
		}
		h.Versions = append(h.Versions, Article{Article: shipped, SavedAt: a.Clinic.CreatedAt, Hidden: hidden[slug]})
		h.Current = h.Versions[0]
		h.Names, err = tx.StaffNames(ctx, a.P.ClinicID)
		return err
	})
	return h, err
}

// shippedArticle is the article a slug names, NotFound for any other.
func shippedArticle(slug string) (workbook.Article, error) {
	shipped, ok := workbook.ArticleBySlug(slug)
	if !ok {
		return shipped, problem.New(problem.NotFound, "That article was not found.")
	}
	return shipped, nil
}

// ArticleInput is an article as the admin types it.
type ArticleInput struct {
	Title, Description, Body string
}

// checkedEdit is the admin's edit of the article slug, as it would be kept.
func checkedEdit(slug string, in ArticleInput) (workbook.Article, error) {
	shipped, err := shippedArticle(slug)
	if err != nil {
		return shipped, err
	}
	shipped.Title, shipped.Description, shipped.Body = in.Title, in.Description, in.Body
	return shipped.Checked()
}

// PreviewArticle is the admin's edit as the clinic's public page would
// show it once saved; nothing is saved. A field that cannot be kept is an
// Invalid problem naming it.
func (s *Service) PreviewArticle(ctx context.Context, a Actor, slug string, in ArticleInput) (PublicClinic, workbook.Article, error) {
	var c PublicClinic
	if err := s.allowClinic(ctx, a, op{}, access.ClinicSettings, access.Write); err != nil {
		return c, workbook.Article{}, err
	}
	edit, err := checkedEdit(slug, in)
	if err != nil {
		return c, edit, err
	}
	err = s.read(ctx, a, func(tx *store.Tx) (err error) { c, err = publicClinic(ctx, tx, a.P.ClinicID); return err })
	return c, edit, err
}

// SaveArticle saves the admin's edit as the article's newest version,
// which the public pages show from then on.
func (s *Service) SaveArticle(ctx context.Context, a Actor, slug string, in ArticleInput) (Article, error) {
	if err := s.allowClinic(ctx, a, op{}, access.ClinicSettings, access.Write); err != nil {
		return Article{}, err
	}
	edit, err := checkedEdit(slug, in)
	if err != nil {
		return Article{}, err
	}
	v := store.ArticleVersion{ClinicID: a.P.ClinicID, Slug: slug, Title: edit.Title, Description: edit.Description, Body: edit.Body,
		CreatedBy: a.P.UserID, CreatedAt: s.Now()}
	var out Article
	err = s.write(ctx, a, func(tx *store.Tx) error {
		hidden, err := tx.HiddenArticles(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		if err := tx.SaveArticleVersion(ctx, &v); err != nil {
			return err
		}
		out = versionOf(edit, v, hidden[slug])
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opArticleSave.action, ResourceType: "article", ResourceID: slug,
			Detail: "version " + itoa(v.Version)})
	})
	return out, err
}

// What an article's visibility may be set to.
const (
	Published = "published"
	Hidden    = "hidden"
)

// SetArticleVisibility puts an article on the clinic's public pages and
// feed (Published), or takes it off them (Hidden); its text and versions
// stay.
func (s *Service) SetArticleVisibility(ctx context.Context, a Actor, slug, visibility string) error {
	if err := s.allowClinic(ctx, a, op{}, access.ClinicSettings, access.Write); err != nil {
		return err
	}
	if _, err := shippedArticle(slug); err != nil {
		return err
	}
	o := opArticleShow
	switch visibility {
	case Published:
	case Hidden:
		o = opArticleHide
	default:
		return problem.Invalidf("visibility", "Choose whether the article is published or hidden.")
	}
	return s.write(ctx, a, func(tx *store.Tx) error {
		if err := tx.SetArticleHidden(ctx, a.P.ClinicID, slug, visibility == Hidden, a.P.UserID, s.Now()); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: o.action, ResourceType: "article", ResourceID: slug})
	})
}
