package store

import (
	"context"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
)

// A clinic's own copy of the article series: every save is a new version
// and the newest is the one shown; each article may be taken off the
// public pages. The text the project ships is version 0 and lives in the
// workbook package, not here: a clinic that never edits has no rows. The
// text is the clinic's public writing, so it is not sealed.

// ArticleVersion is one saved version of an article.
type ArticleVersion struct {
	ID          string
	ClinicID    string
	Slug        string
	Version     int // 1, 2, 3… in the order saved
	Title       string
	Description string
	Body        string // Markdown
	CreatedBy   string // the admin's user id
	CreatedAt   time.Time
}

const articleCols = `id, clinic_id, slug, version, title, description, body, created_by, created_at`

// SaveArticleVersion stores v as the article's newest version, numbered
// after the one before. The caller has checked the text.
func (t *Tx) SaveArticleVersion(ctx context.Context, v *ArticleVersion) error {
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE clinic_id = ? AND slug = ?`,
		v.ClinicID, v.Slug).Scan(&v.Version); err != nil {
		return err
	}
	v.ID = auth.NewID()
	_, err := t.exec(ctx, `INSERT INTO article_versions (`+articleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.ClinicID, v.Slug, v.Version, v.Title, v.Description, v.Body, v.CreatedBy, v.CreatedAt)
	if isUniqueViolation(err) {
		return problem.New(problem.Conflict, "Someone saved this article at the same moment; please reload it and try again.")
	}
	return err
}

// LatestArticleVersions is each edited article's newest version, by slug.
func (t *Tx) LatestArticleVersions(ctx context.Context, clinicID string) (map[string]ArticleVersion, error) {
	vs, err := t.articleVersions(ctx, `WHERE v.clinic_id = ? AND v.version =
		(SELECT MAX(version) FROM article_versions WHERE clinic_id = v.clinic_id AND slug = v.slug)`, clinicID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]ArticleVersion, len(vs))
	for _, v := range vs {
		out[v.Slug] = v
	}
	return out, nil
}

// ArticleVersions lists every saved version of an article, newest first.
func (t *Tx) ArticleVersions(ctx context.Context, clinicID, slug string) ([]ArticleVersion, error) {
	return t.articleVersions(ctx, `WHERE v.clinic_id = ? AND v.slug = ? ORDER BY v.version DESC`, clinicID, slug)
}

func (t *Tx) articleVersions(ctx context.Context, where string, args ...any) ([]ArticleVersion, error) {
	rows, err := t.query(ctx, `SELECT `+articleCols+` FROM article_versions v `+where, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(v *ArticleVersion) error {
		if err := rows.Scan(&v.ID, &v.ClinicID, &v.Slug, &v.Version, &v.Title, &v.Description, &v.Body, &v.CreatedBy, &v.CreatedAt); err != nil {
			return err
		}
		v.CreatedAt = v.CreatedAt.UTC()
		return nil
	})
}

// HiddenArticles is the slugs of the articles the clinic has taken off its
// public pages.
func (t *Tx) HiddenArticles(ctx context.Context, clinicID string) (map[string]bool, error) {
	rows, err := t.query(ctx, `SELECT slug FROM article_visibility WHERE clinic_id = ? AND hidden = 1`, clinicID)
	if err != nil {
		return nil, err
	}
	slugs, err := scanAll(rows, func(s *string) error { return rows.Scan(s) })
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(slugs))
	for _, s := range slugs {
		out[s] = true
	}
	return out, nil
}

// SetArticleHidden takes an article off the clinic's public pages, or puts
// it back.
func (t *Tx) SetArticleHidden(ctx context.Context, clinicID, slug string, hidden bool, by string, at time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM article_visibility WHERE clinic_id = ? AND slug = ?`, clinicID, slug); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO article_visibility (clinic_id, slug, hidden, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`,
		clinicID, slug, b2i(hidden), by, at)
	return err
}
