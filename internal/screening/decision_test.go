package screening

import (
	"strings"
	"testing"
	"time"

	"doorway/internal/calendar"
	"doorway/internal/problem"
)

func TestCheckDecision(t *testing.T) {
	withFacts := func(change func(*Facts)) Result {
		f := clean()
		change(&f)
		return Evaluate(f, Settings{})
	}
	clear := Evaluate(clean(), Settings{})
	review := withFacts(meds(Medication{"lorazepam", 2, Benzodiazepine}))
	exclude := withFacts(func(f *Facts) { f.IntracerebralHaemorrhage = new(true) })

	tests := []struct {
		name   string
		res    Result
		d      Decision
		field  string // "" means allowed
		wantIn string
	}{
		{"approve a clear result", clear, Decision{Approve, "Good fit; no concerns."}, "", ""},
		{"approve a clear result without a note", clear, Decision{Approve, "  "}, "note", "Write a short note"},
		{"approve over review with a reason", review, Decision{Approve, "Lorazepam taper agreed with GP; dose will be under 8 mg DE before session 1."}, "", ""},
		{"approve over review without a reason", review, Decision{Approve, ""}, "note", "High benzodiazepine dose"},
		{"conditional approval over review without a reason", review, Decision{ApproveWithConditions, ""}, "note", "written reason"},
		{"conditional approval of a clear result without conditions", clear, Decision{ApproveWithConditions, ""}, "note", "conditions"},
		{"approve over exclude", exclude, Decision{Approve, "I know best."}, "kind", "History of intracerebral haemorrhage"},
		{"conditional approval over exclude", exclude, Decision{ApproveWithConditions, "Only IM."}, "kind", "hard stops"},
		{"decline an excluded client", exclude, Decision{Decline, "Past intracerebral haemorrhage."}, "", ""},
		{"decline without a note", exclude, Decision{Decline, ""}, "note", "why the client is declined"},
		{"decline a clear result", clear, Decision{Decline, "Wants only a recreational experience."}, "", ""},
		{"unknown kind", clear, Decision{"maybe", "hmm"}, "kind", "Choose approve"},
	}
	for _, tt := range tests {
		err := CheckDecision(tt.res, tt.d)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", tt.name, err)
			}
			continue
		}
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != tt.field || !strings.Contains(problem.MessageOf(err), tt.wantIn) {
			t.Errorf("%s: got %v; want invalid %s containing %q", tt.name, err, tt.field, tt.wantIn)
		}
	}
}

func TestApprovalExpiry(t *testing.T) {
	decided := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	// 10 Jan + 180 days: 21 more days to 31 Jan, then Feb 28 (49), Mar 31 (80),
	// Apr 30 (110), May 31 (141), Jun 30 (171), and 9 more: 9 Jul.
	wantExpiry := time.Date(2026, 7, 9, 9, 0, 0, 0, time.UTC)
	if got := ExpiresAt(decided, Settings{}); !got.Equal(wantExpiry) {
		t.Fatalf("ExpiresAt = %v, want %v", got, wantExpiry)
	}
	tests := []struct {
		now  time.Time
		s    Settings
		want bool
	}{
		{decided, Settings{}, false},
		{wantExpiry.Add(-time.Nanosecond), Settings{}, false}, // the last instant of day 180
		{wantExpiry, Settings{}, true},                        // exactly 180 days: expired
		{wantExpiry.Add(time.Hour), Settings{}, true},
		// 30-day clinic: 10 Jan + 30 = 9 Feb.
		{time.Date(2026, 2, 9, 8, 59, 0, 0, time.UTC), Settings{ApprovalDays: 30}, false},
		{time.Date(2026, 2, 9, 9, 0, 0, 0, time.UTC), Settings{ApprovalDays: 30}, true},
	}
	for _, tt := range tests {
		if got := Expired(decided, tt.now, tt.s); got != tt.want {
			t.Errorf("Expired(%v, days %d) = %v, want %v", tt.now, tt.s.ApprovalDays, got, tt.want)
		}
	}
}

func TestSettings(t *testing.T) {
	if got := (Settings{}).withDefaults(); got != DefaultSettings() {
		t.Errorf("zero settings = %+v, want the defaults", got)
	}
	d := DefaultSettings()
	if d.RestingBPLimit != (BP{180, 100}) || d.BenzodiazepineLimitMG != 8 || d.BMILimit != 35 || d.AgeFrom != 65 || d.ApprovalDays != 180 ||
		d.ReviewBPAbove != (BP{140, 90}) || d.MinAge != 18 || d.HeartAttackWeeks != 6 {
		t.Errorf("defaults drifted from CLINICAL.md: %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
	bad := []struct {
		s     Settings
		field string
	}{
		{Settings{BenzodiazepineLimitMG: -1}, "benzodiazepine_limit_mg"},
		{Settings{RestingBPLimit: BP{400, 100}}, "resting_bp_limit"},
		{Settings{StopBangFrom: 9}, "stop_bang_from"},
		{Settings{ApprovalDays: -5}, "approval_days"},
		{Settings{MinAge: 17}, "min_age"},
		{Settings{HeartAttackWeeks: 5}, "heart_attack_weeks"},
		{Settings{ReviewBPAbove: BP{190, 90}}, "review_bp_above"},  // above the exclude line's 180
		{Settings{ReviewBPAbove: BP{140, 350}}, "review_bp_above"}, // not a pressure
	}
	for _, b := range bad {
		if err := b.s.Validate(); problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != b.field {
			t.Errorf("Validate(%+v) = %v, want invalid %s", b.s, err, b.field)
		}
	}
}

// ExpiryDay counts calendar days: 1 Feb + 180 days is 31 Jul (Mar 1 +28,
// Apr 1 +59, May 1 +89, Jun 1 +120, Jul 1 +150, Jul 31 +180), and the
// approval holds through 30 Jul. 10 Jan + 30 is 9 Feb.
func TestExpiryDay(t *testing.T) {
	for _, c := range []struct {
		decided string
		s       Settings
		want    string
	}{
		{"2026-02-01", Settings{}, "2026-07-31"},
		{"2026-01-10", Settings{ApprovalDays: 30}, "2026-02-09"},
		// Across both 2026 daylight-saving changes in the US: still 180 days.
		{"2026-03-01", Settings{}, "2026-08-28"},
		{"2026-05-05", Settings{}, "2026-11-01"},
	} {
		d, _ := calendar.Parse(c.decided)
		if got := ExpiryDay(d, c.s).String(); got != c.want {
			t.Errorf("ExpiryDay(%s, %d days) = %s, want %s", c.decided, c.s.ApprovalDays, got, c.want)
		}
	}
}
