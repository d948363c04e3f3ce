package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// One Chromium serves the whole package: starting it costs ~0.4 s, a tab
// almost nothing. Each test gets its own tab in its own browser context, so
// cookies never leak from one test (or one server) to another; all servers
// listen on 127.0.0.1 and cookies ignore the port.
var browser struct {
	once   sync.Once
	ctx    context.Context // the browser's chromedp context; nil until started
	cancel func()
	err    error
}

// stopBrowser closes Chromium; TestMain calls it after the tests.
func stopBrowser() {
	if browser.cancel != nil {
		browser.cancel()
	}
}

func chromiumPath() string {
	if p := os.Getenv("DOORWAY_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// inCI reports whether missing tools must fail the run instead of skipping.
func inCI() bool { return os.Getenv("CI") == "true" }

// unavailable skips a test for a missing tool locally and fails it in CI,
// where nothing may skip (CONTRACT.md).
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		t.Fatal(msg + " (CI=true: this may not skip)")
	}
	t.Skip(msg)
}

// startBrowser starts Chromium once, on the first test that needs it.
func startBrowser(t testing.TB) context.Context {
	t.Helper()
	browser.once.Do(func() {
		path := chromiumPath()
		if _, err := exec.LookPath(path); err != nil {
			browser.err = fmt.Errorf("no Chromium at %s (set DOORWAY_CHROMIUM, or apt-get install chromium)", path)
			return
		}
		allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			// Without these Chromium tries to reach Google, which the
			// test machines cannot, and waits for it.
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
			chromedp.Flag("password-store", "basic"),
			chromedp.Flag("hide-scrollbars", true),
		)
		ctx, cancel := chromedp.NewContext(allocCtx)
		// The first Do starts the browser; its context has no deadline, so
		// the browser lives until stopBrowser.
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			allocCancel()
			browser.err = fmt.Errorf("starting Chromium at %s: %w", path, err)
			return
		}
		browser.ctx = ctx
		browser.cancel = func() { cancel(); allocCancel() }
	})
	if browser.err != nil {
		unavailable(t, "browser tests: %v", browser.err)
	}
	return browser.ctx
}

// Viewports the pages are checked at.
type viewport struct {
	name          string
	width, height int64
	phone         bool
}

var (
	desktop = viewport{name: "desktop", width: 1280, height: 860}
	phone   = viewport{name: "phone", width: 390, height: 844, phone: true}
)

// tab is one browser tab bound to a test and a server. Every page it lands
// on is checked: axe-core finds no serious or critical violation, the demo
// banner shows, and nothing looks like a leaked stack trace.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the server, such as http://127.0.0.1:41234
	vp   viewport
	axe  *axeChecker
}

// newTab opens a tab in a fresh browser context (its own cookies) on base.
func newTab(t *testing.T, base string, vp viewport) *tab {
	t.Helper()
	bctx := startBrowser(t)
	axe := loadAxe(t)
	tabCtx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tabCtx); err != nil { // opens the tab
		t.Fatalf("open tab: %v", err)
	}
	b := &tab{t: t, ctx: tabCtx, base: base, vp: vp, axe: axe}
	b.setViewport(vp)
	return b
}

func (b *tab) setViewport(vp viewport) {
	b.t.Helper()
	b.vp = vp
	var act chromedp.Action[chromedp.Void]
	if vp.phone {
		act = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch)
	} else {
		act = chromedp.EmulateViewport(vp.width, vp.height)
	}
	b.do("set viewport "+vp.name, act)
}

// stepTimeout is how long one step may take: a hung page fails, it does not
// hang. It bounds each step, not the tab's life, so a long test on a busy
// machine is not cut off half way.
const stepTimeout = 45 * time.Second

// do runs steps and fails the test on error.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, stop := context.WithTimeout(b.ctx, stepTimeout)
	defer stop()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, stop := context.WithTimeout(b.ctx, stepTimeout)
	defer stop()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open navigates to a path of the server (or a full URL) and checks the page.
func (b *tab) open(target string) {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.base + target
	}
	b.do("open "+target, chromedp.Navigate(target))
	b.checkPage()
}

// fill types a value into the field with this id, replacing what is there.
func (b *tab) fill(id, value string) {
	b.t.Helper()
	b.do("fill #"+id, chromedp.Clear(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), value))
}

// submit clicks a button (a CSS selector), waits for the page that the form
// post brings, and checks it.
func (b *tab) submit(button string) {
	b.t.Helper()
	run(b, "submit "+button, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(button))))
	b.checkPage()
}

// path is the current location's path.
func (b *tab) path() string {
	b.t.Helper()
	loc := run(b, "location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("location %q: %v", loc, err)
	}
	return u.Path
}

// text is the visible text of the first element matching a CSS selector.
func (b *tab) text(css string) string {
	b.t.Helper()
	return run(b, "text of "+css, chromedp.Text(chromedp.CSS(css)))
}

// bodyText is all of the page's visible text.
func (b *tab) bodyText() string {
	b.t.Helper()
	return run(b, "page text", chromedp.Evaluate[string](`document.body.innerText`))
}

// has reports whether an element matches a CSS selector now, without waiting.
func (b *tab) has(css string) bool {
	b.t.Helper()
	return run(b, "look for "+css, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, css)))
}

// heading is the page's h1.
func (b *tab) heading() string {
	b.t.Helper()
	return strings.TrimSpace(b.text("h1"))
}

// leakMarkers are things a page must never show a person (SECURITY.md: no
// stack trace, SQL or file path reaches a response).
var leakMarkers = []string{"goroutine ", "panic:", "runtime error", ".go:", "SQLSTATE", "sqlite", "/home/", "/root/", "/tmp/"}

// checkPage runs the checks every page must pass.
func (b *tab) checkPage() {
	b.t.Helper()
	where := b.vp.name + " " + b.path()
	if !b.has(".demo-banner") {
		b.t.Errorf("%s: no demo banner", where)
	} else if txt := b.text(".demo-banner"); !strings.Contains(strings.ToLower(txt), "demo") {
		b.t.Errorf("%s: the demo banner says %q", where, txt)
	}
	body := b.bodyText()
	for _, m := range leakMarkers {
		if strings.Contains(body, m) {
			b.t.Errorf("%s: the page shows %q, which looks like an internal detail:\n%s", where, m, body)
		}
	}
	b.axe.check(b, where)
}

// screenshot saves a full-page PNG of the current page as <viewport>-<name>.png.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	png := run(b, "screenshot", chromedp.FullScreenshot(100))
	file := filepath.Join(shotDir(b.t), b.vp.name+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatalf("save screenshot: %v", err)
	}
}

// Screenshots go to DOORWAY_SCREENSHOTS when set (kept for a person to
// look at), otherwise to a temporary directory removed after the run.
var shots struct {
	once sync.Once
	dir  string
	temp bool
	err  error
}

func shotDir(t testing.TB) string {
	t.Helper()
	shots.once.Do(func() {
		if d := os.Getenv("DOORWAY_SCREENSHOTS"); d != "" {
			shots.dir, shots.err = d, os.MkdirAll(d, 0o755)
			return
		}
		shots.dir, shots.err = os.MkdirTemp("", "doorway-screenshots-")
		shots.temp = true
	})
	if shots.err != nil {
		t.Fatalf("screenshot directory: %v", shots.err)
	}
	return shots.dir
}

func removeShots() {
	if shots.temp && shots.dir != "" {
		os.RemoveAll(shots.dir)
	}
}
