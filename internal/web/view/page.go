// Package view renders Doorway's pages. Pages are templ components: compiled
// Go functions, type-checked at build time and escaped by context. Handlers
// build a Page (what every page has) plus a view model of their own.
package view

import (
	"github.com/a-h/templ"

	"doorway/internal/web/static"
)

// NavItem is one link of the main navigation.
type NavItem struct {
	Label   string
	Href    string
	Current bool
}

// Page is what every page needs: its title, who is looking, the navigation
// for their roles, and messages.
type Page struct {
	Title      string
	Demo       bool
	ClinicName string
	// UserName is empty when nobody is signed in.
	UserName  string
	Nav       []NavItem
	Flash     string
	FlashKind string // info, ok, warn, error
	RequestID string
	Narrow    bool
	// EmergencyAccess links a clinician refused a client's record to the
	// form that opens it in an emergency; empty elsewhere.
	EmergencyAccess string
	// Head is what a public page tells those who link to it; most pages
	// leave it empty.
	Head Head
}

// Head is what a page adds to the document's head: the words of a search
// result or a share preview, the page's one address, and a feed. Each tag
// is left out while its field is empty.
type Head struct {
	Description string
	// Canonical is the page's absolute address, the one to share.
	Canonical string
	// OGType is the Open Graph type ("article", "website"): set, it adds a
	// share preview of the page's title, Description and Canonical.
	OGType   string
	SiteName string
	// Feed is the absolute address of an Atom feed of the page's kind.
	Feed, FeedTitle string
}

// CSS is the stylesheet's content-hashed URL.
func CSS() string { return static.URL("app.css") }

// Favicon is the site's icon: a doorway in the sage of the pages.
func Favicon() string { return static.URL("favicon.svg") }

// FieldErrors maps a form field name to its message.
type FieldErrors map[string]string

// Has reports whether a field has an error.
func (f FieldErrors) Has(name string) bool { _, ok := f[name]; return ok }

// Attrs marks an input invalid and points it at its message, only when the
// field has an error (a reference to a missing id is itself an accessibility fault).
func (f FieldErrors) Attrs(name string) templ.Attributes {
	if !f.Has(name) {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": errID(name)}
}

func errID(name string) string { return name + "-error" }

// JournalScript keeps a journal draft as the client types.
func JournalScript() string { return static.URL("journal.js") }
