package practice

import (
	"html"
	"strings"
)

// letter is the words of one e-mail, written once and sent twice over: as
// plain text and as a small HTML document, so the two can never say
// different things. Everything put in it is text; the HTML is escaped here.
type letter struct {
	blocks []letterBlock
}

type letterBlock struct {
	kind  string // "p", "h", "ul", "link", "small"
	text  string
	items []string
	href  string
}

// para adds a paragraph.
func (l *letter) para(s string) { l.blocks = append(l.blocks, letterBlock{kind: "p", text: s}) }

// heading adds a heading within the letter.
func (l *letter) heading(s string) { l.blocks = append(l.blocks, letterBlock{kind: "h", text: s}) }

// list adds a bulleted list.
func (l *letter) list(items ...string) {
	if len(items) > 0 {
		l.blocks = append(l.blocks, letterBlock{kind: "ul", items: items})
	}
}

// link adds a line that leads somewhere: the text, then the address.
func (l *letter) link(text, href string) {
	l.blocks = append(l.blocks, letterBlock{kind: "link", text: text, href: href})
}

// small adds a footnote: why the person receives this, and where to change
// it (href, when not "").
func (l *letter) small(s, href string) {
	l.blocks = append(l.blocks, letterBlock{kind: "small", text: s, href: href})
}

// text is the letter as plain text, wrapped by nothing: mail readers wrap.
func (l letter) text() string {
	var b strings.Builder
	for i, bl := range l.blocks {
		if i > 0 {
			b.WriteString("\n")
		}
		switch bl.kind {
		case "ul":
			for _, it := range bl.items {
				b.WriteString("- " + it + "\n")
			}
		case "link":
			b.WriteString(bl.text + "\n" + bl.href + "\n")
		case "h":
			b.WriteString(strings.ToUpper(bl.text) + "\n")
		case "small":
			b.WriteString("-- \n" + bl.text + "\n")
			if bl.href != "" {
				b.WriteString(bl.href + "\n")
			}
		default:
			b.WriteString(bl.text + "\n")
		}
	}
	return b.String()
}

// html is the letter as an HTML document titled title, with its styles
// inline, as mail readers want them.
func (l letter) html(title string) string {
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`)
	b.WriteString("<title>" + esc(title) + "</title></head>")
	b.WriteString(`<body style="margin:0;padding:24px 16px;background:#f6f5f1;color:#1f2a30;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5">`)
	b.WriteString(`<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">`)
	for _, bl := range l.blocks {
		switch bl.kind {
		case "ul":
			b.WriteString(`<ul style="padding-left:20px;margin:0 0 16px">`)
			for _, it := range bl.items {
				b.WriteString(`<li style="margin:0 0 8px">` + esc(it) + "</li>")
			}
			b.WriteString("</ul>")
		case "h":
			b.WriteString(`<h2 style="font-size:18px;margin:24px 0 8px">` + esc(bl.text) + "</h2>")
		case "link":
			b.WriteString(`<p style="margin:0 0 16px"><a style="color:#2f6b5e" href="` + esc(bl.href) + `">` + esc(bl.text) + "</a></p>")
		case "small":
			b.WriteString(`<p style="margin:24px 0 0;font-size:13px;color:#55646c">` + esc(bl.text))
			if bl.href != "" {
				b.WriteString(` <a style="color:#55646c" href="` + esc(bl.href) + `">` + esc(bl.href) + "</a>")
			}
			b.WriteString("</p>")
		default:
			b.WriteString(`<p style="margin:0 0 16px">` + esc(bl.text) + "</p>")
		}
	}
	b.WriteString("</div></body></html>")
	return b.String()
}
