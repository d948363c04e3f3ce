package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeVersion is the axe-core release .ci/run fetches with npm pack.
const axeVersion = "4.14.1"

// axeChecker runs axe-core in pages. The script is read once per run and is
// never part of the module (TESTING.md).
type axeChecker struct {
	source string

	// logged holds the minor findings already logged (rule and element),
	// so that one issue of the layout is reported once, not on every page.
	mu     sync.Mutex
	logged map[string]bool
}

var axeLoad struct {
	once sync.Once
	c    *axeChecker
	err  string
}

// axeCandidates are the places axe.min.js is looked for, in order.
func axeCandidates() []string {
	var out []string
	if p := os.Getenv("DOORWAY_AXE"); p != "" {
		return []string{p} // an explicit path must be the one used
	}
	out = append(out, filepath.Join("testdata", "axe.min.js"))
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		if home, err := os.UserHomeDir(); err == nil {
			cache = filepath.Join(home, ".cache")
		}
	}
	if cache != "" {
		out = append(out, filepath.Join(cache, "doorway", "axe-core-"+axeVersion, "axe.min.js"))
	}
	return out
}

// loadAxe finds axe.min.js; without it the browser tests skip locally and
// fail under CI=true.
func loadAxe(t testing.TB) *axeChecker {
	t.Helper()
	axeLoad.once.Do(func() {
		places := axeCandidates()
		for _, p := range places {
			b, err := os.ReadFile(p)
			if err == nil && len(b) > 0 {
				axeLoad.c = &axeChecker{source: string(b), logged: map[string]bool{}}
				return
			}
		}
		axeLoad.err = "axe-core not found (looked in " + strings.Join(places, ", ") +
			"); run .ci/run once or set DOORWAY_AXE to axe.min.js from `npm pack axe-core@" + axeVersion + "`"
	})
	if axeLoad.c == nil {
		unavailable(t, "%s", axeLoad.err)
	}
	return axeLoad.c
}

// axeViolation is the part of an axe-core result the tests report.
type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  string `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"failureSummary"`
}

// axeRun runs axe over the whole document and keeps only what the report
// needs; the selectors of nodes inside shadow roots are nested arrays, so
// they are flattened to text in the page.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "), html: n.html, failureSummary: n.failureSummary || ""}))
})))`

// check fails the test on any serious or critical violation on the current
// page and logs the moderate and minor ones.
func (a *axeChecker) check(b *tab, where string) {
	b.t.Helper()
	// A page navigation drops the script, so it is injected into each page.
	// Runtime.evaluate comes from DevTools and is not bound by the page's CSP.
	if !run(b, "look for axe", chromedp.Evaluate[bool](`typeof window.axe === "object"`)) {
		b.do("inject axe-core", chromedp.Evaluate[chromedp.Void](a.source))
	}
	vs := run(b, "axe.run on "+where, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	for _, v := range vs {
		serious := v.Impact == "serious" || v.Impact == "critical"
		var sb strings.Builder
		for _, n := range v.Nodes {
			if !serious && a.seen(v.ID+" "+n.Target) {
				continue
			}
			sb.WriteString("\n    " + n.Target + "  " + n.HTML)
			if n.Summary != "" {
				sb.WriteString("\n      " + strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
		if sb.Len() == 0 {
			continue
		}
		msg := "axe " + v.Impact + " " + v.ID + " on " + where + ": " + v.Help + " (" + v.HelpURL + ")" + sb.String()
		if serious {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// seen reports whether a minor finding was logged before, and marks it.
func (a *axeChecker) seen(key string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.logged[key] {
		return true
	}
	a.logged[key] = true
	return false
}
