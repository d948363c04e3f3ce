package e2e

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"doorway/internal/export/pdftest"
	"doorway/internal/workbook"
)

// download clicks the link css names, which saves a file, and returns the
// file as the browser saved it.
func (b *tab) download(css string) []byte {
	b.t.Helper()
	dir := b.t.TempDir()
	progress := chromedp.BrowserEvents(b.ctx, cdpbrowser.DownloadProgress)
	on := true
	_, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: chromedp.FromContext(b.ctx).BrowserContextID,
		DownloadPath: dir, EventsEnabled: &on})
	if err != nil {
		b.t.Fatalf("allow downloads: %v", err)
	}
	b.do("click "+css, chromedp.Click(chromedp.CSS(css)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download from %s: %v", css, err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.t.Fatal(err)
			}
			return data
		case cdpbrowser.DownloadProgressStateCanceled:
			b.t.Fatalf("the download from %s was cancelled", css)
		}
	}
	return nil
}

// answerPrompt types an answer into a prompt of the workbook chapter open
// in the tab and saves it, landing back on the chapter at that prompt.
func answerPrompt(b *tab, promptID, answer string) {
	b.t.Helper()
	section := "#prompt-" + strings.ReplaceAll(promptID, ".", "-")
	b.do("answer "+promptID, chromedp.SendKeys(chromedp.CSS(section+" textarea"), answer))
	b.submit(section + ` button[type="submit"]`)
	if !strings.Contains(b.text(section), "Your answer is saved.") {
		b.t.Fatalf("after saving %s the prompt says:\n%s", promptID, b.text(section))
	}
}

// shoot opens each path at both widths in a tab of its own, signed in as
// who ("" for a visitor), checking each page, and saves its screenshot as
// name plus the path. A tab's steps share one deadline, so the tour does not
// ride on the tab that did the work.
func shoot(t *testing.T, srv *server, who, name string, paths ...string) {
	t.Helper()
	b := newTab(t, srv.URL, desktop)
	if who != "" {
		signIn(b, srv.login(t, who))
	}
	for _, vp := range []viewport{phone, desktop} {
		b.setViewport(vp)
		for _, p := range paths {
			b.open(p)
			u, _ := url.Parse(p)
			b.screenshot(name + strings.ReplaceAll(u.Path, "/", "-"))
		}
	}
}

// TestSeriesAndWorkbook: a visitor on a phone reads an article of the
// series, follows it to the workbook, and downloads the workbook's PDF
// without giving anything: read back, it holds all ten chapters and every
// prompt. Maya Chen, on her phone, answers two prompts of chapter 8 in her
// portal and shares one; Sam, her therapist, then reads exactly that one
// on her workbook page. Maya logs a practice and shares her log, which Sam
// then sees. Alex, the admin, previews an edit of an article. Every page
// passes the page checks (axe-core among them), and each is saved as a
// screenshot at 390 and 1280 pixels wide.
func TestSeriesAndWorkbook(t *testing.T) {
	srv := sqliteServer(t)
	article := workbook.Articles()[6]

	visitor := newTab(t, srv.URL, phone)
	visitor.open("/articles")
	if h := visitor.heading(); h != "Articles" {
		t.Fatalf("the series' page is headed %q", h)
	}
	visitor.open(visitor.linkTo(article.Title))
	if h := visitor.heading(); h != article.Title {
		t.Fatalf("the article is headed %q, want %q", h, article.Title)
	}
	if card := visitor.text(".chapter-card"); !strings.Contains(card, "Chapter 7") {
		t.Errorf("the article does not end with its chapter: %q", card)
	}
	visitor.open(visitor.linkTo("Open chapter 7"))
	if h := visitor.heading(); !strings.HasSuffix(h, workbook.Chapters()[6].Title) {
		t.Errorf("chapter 7 is headed %q", h)
	}
	visitor.open("/workbook")
	pdf := visitor.download(`a[href="/workbook.pdf?size=letter"]`)
	pages := pdftest.Pages(t, pdf)
	all := strings.Join(pages, " ")
	t.Logf("the workbook as downloaded: %d pages, %d KB", len(pages), len(pdf)/1024)
	if !strings.Contains(pages[0], "Stillwater Ketamine Therapy") {
		t.Errorf("the cover is not the clinic's: %s", pages[0])
	}
	for _, c := range workbook.Chapters() {
		if !strings.Contains(all, fmt.Sprintf("CHAPTER %d %s", c.Number, c.Title)) {
			t.Errorf("the PDF lacks chapter %d, %q", c.Number, c.Title)
		}
		for _, p := range c.Prompts {
			if !strings.Contains(all, p.Text) {
				t.Errorf("the PDF lacks prompt %s: %q", p.ID, p.Text)
			}
		}
	}

	shoot(t, srv, "", "series", "/articles", "/articles/"+article.Slug, "/workbook", "/workbook/7")

	// Maya answers two prompts of chapter 8 on her phone and shares one.
	maya := newTab(t, srv.URL, phone)
	if got := signIn(maya, srv.login(t, "Maya")); got != "/portal" {
		t.Fatalf("Maya landed on %s", got)
	}
	maya.open(maya.linkTo("the Reflection Workbook"))
	if h := maya.heading(); h != "My workbook" {
		t.Fatalf("the portal's workbook link leads to %q", h)
	}
	maya.open("/portal/workbook/8")
	ch8 := workbook.Chapters()[7]
	stamp := time.Now().UnixNano() // the shared server may run this test again
	shared := fmt.Sprintf("Shared with Sam-%d: I said no to a second shift and felt calm.", stamp)
	private := fmt.Sprintf("Kept to myself-%d: my sister and I have not spoken.", stamp)
	answerPrompt(maya, ch8.Prompts[0].ID, shared)
	answerPrompt(maya, ch8.Prompts[1].ID, private)
	firstSection := "#prompt-" + strings.ReplaceAll(ch8.Prompts[0].ID, ".", "-")
	maya.submit(firstSection + ` .share-form button`)
	if !strings.Contains(maya.text(firstSection), "Your care team can now read this answer.") {
		t.Fatalf("after sharing: %s", maya.text(firstSection))
	}

	// Maya logs a practice and shares her log.
	maya.open("/portal/practices")
	maya.do("choose nature", chromedp.Click(chromedp.CSS(`input[name="kind"][value="nature"]`)))
	maya.fill("minutes", "25")
	typeInto(maya, "note", fmt.Sprintf("A walk by the river-%d", stamp))
	maya.submit(`form[action="/portal/practices"] button[type="submit"]`)
	if !strings.Contains(maya.bodyText(), fmt.Sprintf("A walk by the river-%d", stamp)) {
		t.Fatalf("the logged practice is not in the week:\n%s", maya.bodyText())
	}
	if maya.has(`form[action="/portal/practices/sharing"] input[value="1"]`) {
		maya.submit(`form[action="/portal/practices/sharing"] button`)
	}

	// Sam reads exactly the shared answer, and the log.
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := sam.linkTo("Maya Chen")
	if chart == "" {
		t.Fatalf("Maya is not on Sam's caseload")
	}
	sam.open(chart + "/workbook")
	page := sam.bodyText()
	if !strings.Contains(page, shared) || !strings.Contains(page, ch8.Prompts[0].Text) || strings.Contains(page, private) {
		t.Errorf("Sam's view of Maya's workbook:\n%s", page)
	}
	answers := run(sam, "answers shown", chromedp.Evaluate[int](`document.querySelectorAll("main article").length`))
	mine := strings.Count(page, fmt.Sprint(stamp))
	if mine != 1 {
		t.Errorf("Sam sees %d of this run's answers (of %d shared in all), want exactly 1", mine, answers)
	}
	sam.open(chart + "/practices")
	if !strings.Contains(sam.bodyText(), fmt.Sprintf("A walk by the river-%d", stamp)) {
		t.Errorf("Sam does not see Maya's shared practices log:\n%s", sam.bodyText())
	}
	shoot(t, srv, "Maya", "portal", "/portal", "/portal/workbook", "/portal/workbook/8", "/portal/practices")
	shoot(t, srv, "Sam", "team", chart+"/workbook", chart+"/practices")

	// Alex previews an edit of the article.
	alex := newTab(t, srv.URL, desktop)
	signIn(alex, srv.login(t, "Alex"))
	alex.open("/admin/articles")
	alex.open(alex.linkTo(article.Title))
	alex.submit(`button[formaction$="/preview"]`)
	if !alex.has(".preview-frame h1") {
		t.Errorf("the preview does not show the article:\n%s", alex.bodyText())
	}
	for _, vp := range []viewport{phone, desktop} {
		alex.setViewport(vp)
		alex.screenshot("admin-preview")
	}
	shoot(t, srv, "Alex", "admin", "/admin/articles", "/admin/articles/"+article.Slug)
}
