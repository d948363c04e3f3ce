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
}

// CSS is the stylesheet's content-hashed URL.
func CSS() string { return static.URL("app.css") }

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
