package markdown

import (
	"strings"
	"testing"
)

// TestHTMLKeepsWhatWritersUse: the ordinary Markdown a clinic writes comes
// through as the formatting it asked for.
func TestHTMLKeepsWhatWritersUse(t *testing.T) {
	src := "## Before you come\n\nEat lightly, and *rest* if you can. Read **the consent** first.\n\n" +
		"- a ride home\n- a quiet room\n\n1. breathe in\n2. breathe out\n\n> A quote.\n\n" +
		"Write to [your clinic](mailto:care@example.org) or see https://example.org/faq.\n\n" +
		"| when | what |\n|---|---|\n| before | fast |\n"
	got := HTML(src)
	for _, want := range []string{
		"<h2>Before you come</h2>",
		"<em>rest</em>",
		"<strong>the consent</strong>",
		"<li>a ride home</li>",
		"<ol>",
		"<blockquote>",
		`href="mailto:care@example.org"`,
		`href="https://example.org/faq"`,
		"<table>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

// TestHTMLStripsHostileInput feeds what someone might paste to attack a
// visitor's browser, and checks that none of it comes out in any form.
func TestHTMLStripsHostileInput(t *testing.T) {
	cases := []struct {
		name, src string
		// never may appear in the output, compared in lower case.
		never []string
	}{
		{"script block", "Hello\n\n<script>alert(1)</script>\n\nbye", []string{"<script", "alert(1)"}},
		// Between two dropped inline tags, the words are left as harmless text.
		{"inline script", "Hello <script>alert(1)</script> there", []string{"<script", "</script"}},
		{"script with odd case", "<ScRiPt src=//evil.example/x.js></sCrIpT>", []string{"<script", "evil.example"}},
		{"onerror on an image tag", `<img src=x onerror="alert(1)">`, []string{"onerror", "alert(1)"}},
		{"onerror inline", `Look: <img src="x" onerror=alert(1)> here`, []string{"onerror", "alert(1)"}},
		{"event handler on a div", `<div onclick="steal()" onmouseover="steal()">hi</div>`, []string{"onclick", "onmouseover", "steal()"}},
		{"svg onload", `<svg onload=alert(1)><circle r=1 /></svg>`, []string{"<svg", "onload", "alert(1)"}},
		{"javascript link", "[click me](javascript:alert(1))", []string{"javascript:", "alert(1)"}},
		{"javascript link, encoded", "[click me](jav&#x61;script:alert(1))", []string{"javascript", "alert(1)", "&#x61;script"}},
		{"javascript link, upper case", "[click](JAVASCRIPT:alert(1))", []string{"javascript:", "alert(1)"}},
		{"javascript in a raw anchor", `<a href="javascript:alert(1)">x</a>`, []string{"javascript:", "alert(1)"}},
		{"javascript autolink", "<javascript:alert(1)>", []string{"<a", "href"}},
		{"vbscript link", "[x](vbscript:msgbox(1))", []string{"vbscript:"}},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", []string{"data:text/html"}},
		{"javascript image", "![x](javascript:alert(1))", []string{"javascript:", "alert(1)"}},
		{"raw iframe", `<iframe src="https://evil.example/"></iframe>`, []string{"<iframe", "evil.example"}},
		{"iframe inline", `text <iframe src=https://evil.example></iframe> text`, []string{"<iframe", "evil.example"}},
		{"object and embed", `<object data="x.swf"></object><embed src="x.swf">`, []string{"<object", "<embed", "x.swf"}},
		{"style and form", `<style>body{display:none}</style><form action=/x><input name=p></form>`, []string{"<style", "<form", "<input", "display:none"}},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example">`, []string{"<meta", "evil.example"}},
		{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`, []string{"style=", "javascript:"}},
		{"link title breaking out", `[x](https://example.org "a\" onmouseover=\"alert(1)")`, []string{"onmouseover=\"", "alert(1)\""}},
		{"html comment hiding script", "<!-- --><script>alert(1)</script><!-- -->", []string{"<script", "alert(1)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.ToLower(HTML(c.src))
			for _, bad := range c.never {
				if strings.Contains(got, strings.ToLower(bad)) {
					t.Errorf("%q came out:\n%s", bad, got)
				}
			}
		})
	}
}

// TestHTMLLinksAreMarked: links keep working but are marked as not
// endorsed, which is the UGC policy's rule for text from outside.
func TestHTMLLinksAreMarked(t *testing.T) {
	got := HTML("[a page](https://example.org/)")
	if !strings.Contains(got, `href="https://example.org/"`) || !strings.Contains(got, `rel="nofollow"`) {
		t.Errorf("link: %s", got)
	}
}

func TestBlocks(t *testing.T) {
	src := "# A title\n\nFirst *para*graph,\nsoft-wrapped.\n\n" +
		"- one\n- two with [a link](https://example.org/x)\n  - nested\n\n" +
		"3. third\n4. fourth\n\n   more of the fourth\n\n" +
		"> quoted\n\n<div>raw html</div>\n\nA line  \nbroken. <b>bold</b> [bad](javascript:alert(1))\n\n---\n\n[https://example.org](https://example.org)"
	want := []Block{
		{Kind: Heading, Level: 1, Text: "A title"},
		{Kind: Paragraph, Text: "First paragraph, soft-wrapped."},
		{Kind: Bullet, Text: "one"},
		{Kind: Bullet, Text: "two with a link (https://example.org/x)"},
		{Kind: Bullet, Level: 1, Text: "nested"},
		{Kind: Numbered, Number: 3, Text: "third"},
		{Kind: Numbered, Number: 4, Text: "fourth"},
		{Kind: Paragraph, Text: "more of the fourth"},
		{Kind: Quote, Text: "quoted"},
		{Kind: Paragraph, Text: "A line\nbroken. bold bad"},
		{Kind: Paragraph, Text: "https://example.org"},
	}
	got := Blocks(src)
	if len(got) != len(want) {
		t.Fatalf("got %d blocks, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
