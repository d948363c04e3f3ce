package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTrendChartShowsMedicineSessions: Sam opens Maya's PHQ-9 over time, on
// a desk and on a 390 px phone; her four medicine sessions (DEMO.md) are
// dotted lines on the chart, named in the legend, and the page passes
// axe-core as every page does.
func TestTrendChartShowsMedicineSessions(t *testing.T) {
	srv := sqliteServer(t)
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := sam.chartOf("Maya Chen")
	for _, vp := range []viewport{desktop, phone} {
		sam.setViewport(vp)
		sam.open(chart + "/measures/phq9")
		marks := run(sam, "count session marks", chromedp.Evaluate[int](`document.querySelectorAll("svg.chart line.session-mark").length`))
		if marks != 4 {
			t.Errorf("%s: %d session marks on Maya's chart, want her 4 medicine sessions", vp.name, marks)
		}
		legend := sam.text("figcaption .legend")
		if !strings.Contains(legend, "Dotted green lines: medicine sessions") || strings.Contains(legend, "none recorded") {
			t.Errorf("%s: the legend says %q", vp.name, legend)
		}
		sam.screenshot("trends-phq9-sessions")
	}
}
