package integration

import (
	"testing"
	"time"

	"doorway/internal/calendar"
)

func la(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func TestOpeningFollowsTheClinicsCalendar(t *testing.T) {
	loc := la(t)
	for _, c := range []struct {
		name         string
		ended        string
		integration  string
		day1, day3   string
		beforeIntegr string
	}{
		// A session ending Tuesday 12:40: the morning after is Wednesday
		// 08:00, the third morning Friday 08:00.
		{"ordinary", "2026-06-16 12:40", "", "2026-06-17 08:00", "2026-06-19 08:00", ""},
		// Ending late at night still opens the next morning (not 24 h on).
		{"late", "2026-06-16 23:50", "", "2026-06-17 08:00", "2026-06-19 08:00", ""},
		// Across the spring change (Sun 8 Mar 2026): Saturday's session opens
		// Sunday 08:00 PDT, which is 15:00 UTC, not 16:00.
		{"spring", "2026-03-07 13:00", "", "2026-03-08 08:00", "2026-03-10 08:00", ""},
		// Across the autumn change (Sun 1 Nov 2026).
		{"autumn", "2026-10-31 13:00", "", "2026-11-01 08:00", "2026-11-03 08:00", ""},
		// An integration session booked for Monday 10:00: the day before
		// at 08:00.
		{"booked", "2026-06-16 12:40", "2026-06-22 10:00", "2026-06-17 08:00", "2026-06-19 08:00", "2026-06-21 08:00"},
		// Booked for the next morning: the day-before morning has passed by
		// the time the session ends, so it opens at once.
		{"booked next day", "2026-06-16 12:40", "2026-06-17 09:00", "2026-06-17 08:00", "2026-06-19 08:00", "2026-06-16 12:40"},
	} {
		s := Session{ID: "s1", EndedAt: at(t, loc, c.ended)}
		if c.integration != "" {
			s.NextIntegration = at(t, loc, c.integration)
		}
		got := Opening(s, loc)
		check := func(key, want string) {
			if want == "" {
				if _, ok := got[key]; ok {
					t.Errorf("%s: %s opens without a booking", c.name, key)
				}
				return
			}
			if !got[key].Equal(at(t, loc, want)) {
				t.Errorf("%s: %s opens %s, want %s", c.name, key, got[key].In(loc).Format("2006-01-02 15:04 MST"), want)
			}
		}
		check(DayAfter.Key, c.day1)
		check(ThreeDaysAfter.Key, c.day3)
		check(BeforeIntegration.Key, c.beforeIntegr)
	}
	if got := Opening(Session{ID: "x"}, loc); got != nil {
		t.Errorf("a session under way has openings: %v", got)
	}
	// The spring case in UTC, worked by hand: 08:00 PDT (UTC-7) = 15:00 UTC.
	if got := Opening(Session{ID: "s", EndedAt: at(t, loc, "2026-03-07 13:00")}, loc)[DayAfter.Key]; got.Format("15:04") != "15:00" {
		t.Errorf("spring day-after in UTC: %s", got.Format(time.RFC3339))
	}
}

func TestOpenNow(t *testing.T) {
	loc := la(t)
	s := Session{ID: "s1", EndedAt: at(t, loc, "2026-06-16 12:40"), NextIntegration: at(t, loc, "2026-06-22 10:00")}
	keys := func(os []Open) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.Key())
		}
		return out
	}
	for _, c := range []struct {
		now      string
		answered []string
		want     []string
	}{
		{"2026-06-16 20:00", nil, nil},                                 // the evening of the session: nothing yet
		{"2026-06-17 07:59", nil, nil},                                 // a minute before it opens
		{"2026-06-17 08:00", nil, []string{"s1:day1"}},                 // opens on the hour
		{"2026-06-19 09:00", nil, []string{"s1:day3", "s1:day1"}},      // newest first
		{"2026-06-19 09:00", []string{"s1:day1"}, []string{"s1:day3"}}, // answered goes
		{"2026-06-21 08:00", nil, []string{"s1:before-integration", "s1:day3", "s1:day1"}},
		{"2026-06-22 10:00", nil, []string{"s1:day3", "s1:day1"}}, // the integration session has begun
		{"2026-06-24 07:59", nil, []string{"s1:day3", "s1:day1"}}, // day1 still open: 7 days to 24 Jun 08:00
		{"2026-06-24 08:00", nil, []string{"s1:day3"}},            // a week after opening it closes
		{"2026-06-26 08:00", nil, nil},
	} {
		ans := map[string]bool{}
		for _, k := range c.answered {
			ans[k] = true
		}
		got := keys(OpenNow([]Session{s}, ans, at(t, loc, c.now), loc))
		if len(got) != len(c.want) {
			t.Errorf("at %s: %v, want %v", c.now, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("at %s: %v, want %v", c.now, got, c.want)
				break
			}
		}
	}
}

func TestWeekStartsOnMonday(t *testing.T) {
	for _, c := range []struct{ day, monday string }{
		{"2026-06-17", "2026-06-15"}, // a Wednesday
		{"2026-06-15", "2026-06-15"}, // a Monday
		{"2026-06-21", "2026-06-15"}, // a Sunday belongs to the week before
		{"2026-03-08", "2026-03-02"}, // the spring-change Sunday
		{"2027-01-01", "2026-12-28"}, // across a year
	} {
		d, _ := calendar.Parse(c.day)
		w := Week(d)
		if len(w) != 7 || w[0].String() != c.monday || w[6] != w[0].AddDays(6) {
			t.Errorf("week of %s: %v, want from %s", c.day, w, c.monday)
		}
	}
}

func TestSetsAndKinds(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Sets() {
		if seen[s.Key] || len(s.Prompts) < 3 || len(s.Prompts) > 6 {
			t.Errorf("set %q: duplicate or %d prompts", s.Key, len(s.Prompts))
		}
		seen[s.Key] = true
		if got, ok := SetByKey(s.Key); !ok || got.Title != s.Title {
			t.Errorf("SetByKey(%q)", s.Key)
		}
	}
	if _, ok := SetByKey("nope"); ok {
		t.Error("an unknown set was found")
	}
	for _, k := range PracticeKinds {
		if got, ok := PracticeKindByKey(k.Key); !ok || got.Label != k.Label {
			t.Errorf("PracticeKindByKey(%q)", k.Key)
		}
	}
}
