package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTrendChartReadableOnEveryScreen: Maya's PHQ-9 over time, as Sam
// sees it on a 390 px phone and a 1280 px desk, and as Maya sees her own
// progress. Every word on the chart is drawn at 12 px or more on the
// screen (the SVG scales with its width, so its font size is multiplied
// by the scale it is drawn at), and none is cut off: a label at an end of an
// axis may reach past the drawing into its card's padding (the SVG lets it
// overflow), but never past the card or the screen.
func TestTrendChartReadableOnEveryScreen(t *testing.T) {
	srv := sqliteServer(t)
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := sam.chartOf("Maya Chen")
	maya := newTab(t, srv.URL, phone)
	signIn(maya, srv.login(t, "Maya"))
	type label struct {
		Text    string
		Px      float64
		Clipped bool
	}
	const measure = `[...document.querySelectorAll("svg.chart")].flatMap(svg => {
		const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
		const card = (svg.closest(".card") || svg.parentElement).getBoundingClientRect();
		return [...svg.querySelectorAll("text")].map(t => {
			const r = t.getBoundingClientRect();
			return {Text: t.textContent, Px: parseFloat(getComputedStyle(t).fontSize) * scale,
				Clipped: r.left < Math.max(card.left, 0) - 0.5 || r.right > Math.min(card.right, window.innerWidth) + 0.5 ||
					r.top < card.top - 0.5 || r.bottom > card.bottom + 0.5};
		});
	})`
	check := func(who string, b *tab, path string) {
		b.open(path)
		labels := run(b, "chart labels", chromedp.Evaluate[[]label](measure))
		if len(labels) < 5 {
			t.Errorf("%s: %d labels on the chart at %s", who, len(labels), path)
		}
		for _, l := range labels {
			if l.Px < 12 {
				t.Errorf("%s: %q is drawn at %.1f px", who, l.Text, l.Px)
			}
			if l.Clipped {
				t.Errorf("%s: %q runs past the chart's card or the screen", who, l.Text)
			}
		}
	}
	for _, vp := range []viewport{desktop, phone} {
		sam.setViewport(vp)
		check("Sam on a "+vp.name, sam, chart+"/measures/phq9")
	}
	check("Maya on a phone", maya, "/portal/progress")
	maya.setViewport(desktop)
	check("Maya on a desktop", maya, "/portal/progress")
}
