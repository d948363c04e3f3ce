package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// What the measures pages share: the clinic's measures settings, the list of
// what a client has due, and submitting a response (scored here, from the
// answers only, and stored with its flags and audit entry in one transaction).

// DefaultCrisisText is shown to a client whose answers raised a safety flag,
// until the clinic writes its own (the clinic's phone is added below it).
const DefaultCrisisText = "If you are thinking about ending your life or hurting yourself, please reach out now. " +
	"In the US, call or text 988 to reach the 988 Suicide & Crisis Lifeline, any time of day or night. " +
	"If you are in immediate danger, call 911 or go to your nearest emergency department."

// measureConfig is a clinic's measures settings with the defaults filled in.
type measureConfig struct {
	CrisisText   string
	Scoring      measures.Settings
	Thresholds   measures.Thresholds
	QIDS         bool
	CSSRS        bool
	CSSRSLicence string
	// RCI holds the clinic's reliable-change references, by instrument.
	RCI      map[string]measures.Reference
	Protocol measures.Protocol
	settings map[string]string
}

func loadMeasureConfig(ctx context.Context, tx *store.Tx, clinicID string) (measureConfig, error) {
	m, err := tx.ClinicSettings(ctx, clinicID)
	if err != nil {
		return measureConfig{}, err
	}
	mc := measureConfig{
		CrisisText:   strings.TrimSpace(m[store.SettingCrisisText]),
		Scoring:      measures.Settings{PCL5Cutoff: store.SettingInt(m, store.SettingPCL5Cutoff, measures.DefaultPCL5Cutoff)},
		Thresholds:   measures.DefaultThresholds(),
		QIDS:         store.SettingBool(m, store.SettingQIDSEnabled),
		CSSRS:        store.SettingBool(m, store.SettingCSSRSEnabled),
		CSSRSLicence: m[store.SettingCSSRSLicence],
		RCI:          map[string]measures.Reference{},
		Protocol:     measures.DefaultProtocol(),
		settings:     m,
	}
	if mc.CrisisText == "" {
		mc.CrisisText = DefaultCrisisText
	}
	for _, in := range measures.All() {
		sdKey, rKey := store.SettingRCI(in.ID)
		sd, ok1 := store.SettingFloat(m, sdKey)
		rel, ok2 := store.SettingFloat(m, rKey)
		if ok1 && ok2 {
			mc.RCI[in.ID] = measures.Reference{SD: sd, Reliability: rel}
		}
	}
	return mc, nil
}

// enabled reports whether the clinic uses an instrument.
func (mc measureConfig) enabled(in *measures.Instrument) bool {
	return store.InstrumentEnabled(mc.settings, in)
}

// enabledInstrument looks an instrument up by id and refuses one the clinic
// has not switched on, as if it did not exist.
func (mc measureConfig) enabledInstrument(id string) (*measures.Instrument, error) {
	in, ok := measures.ByID(id)
	if !ok || !mc.enabled(in) {
		return nil, problem.New(problem.NotFound, "That questionnaire is not used at this clinic.")
	}
	return in, nil
}

// upcomingSessions are the client's medicine sessions still to come, for the
// schedule's pre-session measures: booked, not cancelled, and not yet dosed.
// A session booked for earlier today that has not been dosed stays in the
// list, so its pre-session measures show as overdue rather than vanish. The
// times are shown to the client ("before session on Mon 7 Dec, 10:00"), so
// they carry loc, the clinic's time zone.
func upcomingSessions(ctx context.Context, tx *store.Tx, clinicID, clientID string, loc *time.Location, now time.Time) ([]time.Time, error) {
	by, err := sessionsToCome(ctx, tx, store.AppointmentFilter{ClinicID: clinicID, ClientID: clientID}, loc, now)
	return by[clientID], err
}

// sessionsToCome is upcomingSessions for every client the filter's
// appointments have (one client's, or a whole clinic's), by client id.
func sessionsToCome(ctx context.Context, tx *store.Tx, f store.AppointmentFilter, loc *time.Location, now time.Time) (map[string][]time.Time, error) {
	f.From, f.To = now.Add(-12*time.Hour), now.Add(upcomingSessionHorizon)
	if f.ClientID == "" {
		f.Limit = 2000 // a whole clinic's bookings
	}
	appts, err := tx.Appointments(ctx, f)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range appts {
		if a.Kind == store.KindMedicine {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	states, err := tx.SessionStates(ctx, f.ClinicID, ids)
	if err != nil {
		return nil, err
	}
	out := map[string][]time.Time{}
	for _, a := range appts {
		if a.Kind != store.KindMedicine {
			continue
		}
		for _, clientID := range a.ClientIDs() {
			if f.ClientID != "" && clientID != f.ClientID {
				continue
			}
			if st, ok := states[store.SessionKey{AppointmentID: a.ID, ClientID: clientID}]; ok && st != store.SessionChecklist {
				continue // dosed, held or stopped: no longer to come
			}
			out[clientID] = append(out[clientID], a.StartsAt.In(loc))
		}
	}
	return out, nil
}

// upcomingSessionHorizon is how far ahead booked sessions are looked for;
// pre-session measures open 72 hours before, so this is ample.
const upcomingSessionHorizon = 60 * 24 * time.Hour

// dueItem is practice.Due while the staff side still works it out here.
type dueItem = practice.Due

// clientMeasures is what the schedule needs to know about one client.
type clientMeasures struct {
	Course    store.Course
	HasCourse bool
	Done      []measures.Administration
	Open      []store.Assignment
	// Sessions are the medicine sessions still to come (upcomingSessions).
	Sessions []time.Time
}

// loadClientMeasures reads a client's course, administrations and open
// assignments.
func loadClientMeasures(ctx context.Context, tx *store.Tx, clinicID, clientID string, now time.Time) (clientMeasures, error) {
	var cm clientMeasures
	var err error
	if cm.Course, cm.HasCourse, err = tx.CurrentCourse(ctx, clinicID, clientID); err != nil {
		return cm, err
	}
	rs, err := tx.Responses(ctx, clinicID, clientID, "")
	if err != nil {
		return cm, err
	}
	for _, r := range rs {
		cm.Done = append(cm.Done, measures.Administration{InstrumentID: r.InstrumentID, At: r.CompletedAt})
	}
	if cm.Open, err = tx.OpenAssignments(ctx, clinicID, clientID); err != nil {
		return cm, err
	}
	// The sessions carry the clinic's zone: the viewer's clinic's, read
	// afresh only when the viewer is not of this clinic (or signed in).
	v := viewerOf(ctx)
	loc := v.Clinic.Location()
	if v.Clinic.ID != clinicID {
		clinic, err := tx.Clinic(ctx, clinicID)
		if err != nil {
			return cm, err
		}
		loc = clinic.Location()
	}
	cm.Sessions, err = upcomingSessions(ctx, tx, clinicID, clientID, loc, now)
	return cm, err
}

// due lists what the client should complete now: every open assignment, then
// each instrument the schedule says is due and no assignment already covers.
// It only reads; a scheduled occasion becomes a row when it is answered.
func (mc measureConfig) due(cm clientMeasures, now time.Time) []dueItem {
	var out []dueItem
	covered := map[string]bool{}
	for _, a := range cm.Open {
		in, ok := measures.ByID(a.InstrumentID)
		if !ok || !mc.enabled(in) {
			continue
		}
		covered[in.ID] = true
		deadline := a.DueAt.Add(mc.Protocol.Grace)
		out = append(out, dueItem{Instrument: in, AssignmentID: a.ID, Occasion: a.Occasion, Reason: "asked for by your care team",
			DueAt: a.DueAt, Deadline: deadline, Overdue: now.After(deadline)})
	}
	if !cm.HasCourse {
		return out
	}
	c := measures.Course{Start: cm.Course.StartedAt, Phase: string(cm.Course.State), Sessions: cm.Sessions, End: cm.Course.End()}
	for _, d := range measures.DueNow(mc.Protocol, c, cm.Done, now) {
		in, ok := measures.ByID(d.InstrumentID)
		if !ok || !mc.enabled(in) || covered[in.ID] {
			continue
		}
		out = append(out, dueItem{Instrument: in, Occasion: string(d.Occasion), Reason: d.Reason, DueAt: d.DueAt, Deadline: d.Deadline, Overdue: d.Overdue})
	}
	return out
}

// formAnswers reads a questionnaire form: each item's answer arrives as
// "a.<item key>". Every other field (a "total", say) is ignored: the score
// is worked out from the answers alone. missing names, in form order, the
// items that are asked, not optional and not answered.
func formAnswers(in *measures.Instrument, form url.Values) (a measures.Answers, missing []string, err error) {
	a = measures.Answers{}
	for name, vals := range form {
		key, ok := strings.CutPrefix(name, "a.")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		it, known := in.ItemByKey(key)
		v, convErr := strconv.Atoi(strings.TrimSpace(vals[0]))
		if !known || convErr != nil || len(vals) > 1 {
			number := key
			if known {
				number = it.Number
			}
			return nil, nil, problem.Invalidf(key, "The answer to question %s could not be read. Please choose one of the answers shown.", number)
		}
		a[key] = v
	}
	for _, it := range in.Items {
		if _, ok := a[it.Key]; !ok && !it.Optional && it.Enabled(a) {
			missing = append(missing, it.Key)
		}
	}
	return a, missing, nil
}

// dueKey identifies a scheduled occasion in a form: its due time.
func dueKey(t time.Time) string { return practice.DueKey(t) }

// scoreText is a response's score as people read it: "14 · Moderate",
// "Tier: high" for the C-SSRS.
func scoreText(in *measures.Instrument, r store.Response) string {
	if !r.HasTotal {
		if r.Tier != "" {
			return "Risk tier: " + r.Tier
		}
		return "—"
	}
	s := strconv.Itoa(r.Total)
	if b, ok := in.BandFor(r.Total); ok && len(in.Bands) > 0 {
		s += " · " + b.Label
	}
	return s
}

// bandLabel is the label of a response's band, "" without bands.
func bandLabel(in *measures.Instrument, r store.Response) string {
	if !r.HasTotal || len(in.Bands) == 0 {
		return ""
	}
	b, _ := in.BandFor(r.Total)
	return b.Label
}

// occasionText says an occasion in words for staff.
func occasionText(o string) string {
	switch o {
	case string(measures.OccasionBaseline):
		return "baseline"
	case string(measures.OccasionBeforeSession):
		return "before a medicine session"
	case string(measures.OccasionRepeat):
		return "weekly"
	case string(measures.OccasionCourseEnd):
		return "course end"
	case store.OccasionAssigned:
		return "assigned"
	case store.OccasionPaper:
		return "paper form"
	case store.OccasionAPI:
		return "sent by an app"
	}
	return o
}

func itoa(n int) string { return fmt.Sprint(n) }

// dayText is a date in the clinic's zone, as due dates are shown.
func dayText(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon Jan 2") }

// dateText is a date with its year, as scores are listed.
func dateText(t time.Time, loc *time.Location) string { return t.In(loc).Format("Jan 2, 2006") }
