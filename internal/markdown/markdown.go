// Package markdown turns the Markdown that Doorway and its clinics write
// (the articles, the workbook's readings, a clinic's own edited copy of
// them) into what people read: sanitised HTML for a page, and plain blocks
// of text for print.
//
// A clinic's copy is written by staff, but it is still text typed into a
// form and shown to the public, so it is treated like anything else from
// outside: raw HTML, scripts, event handlers and javascript: links never
// reach a page, whatever the source says.
package markdown

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// md is goldmark in its default, safe mode: raw HTML in the source is
// dropped and dangerous link schemes are emptied. Tables, strikethrough and
// bare links are what a person writing in a plain text box expects to work.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

// policy is the second lock on the door. goldmark's safe mode is a renderer
// option one line away from being switched off; bluemonday's UGC policy
// allows only formatting, links to http, https and mailto, and images, and
// it holds whatever the renderer lets through. A policy is safe to share
// once built.
var policy = bluemonday.UGCPolicy()

// HTML renders Markdown to HTML that is safe to put in a page as it is.
func HTML(src string) string {
	var buf bytes.Buffer
	// Writing into memory does not fail; were goldmark ever to report an
	// error, what it wrote so far is still sanitised below, so nothing
	// unsafe can come of it.
	_ = md.Convert([]byte(src), &buf)
	return policy.Sanitize(buf.String())
}
