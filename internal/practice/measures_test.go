package practice

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// A booked medicine session brings its pre-session measures: the schedule
// is told of it, in the clinic's zone, so the reason reads "before session
// on … 10:00" to the client; a cancelled one asks for nothing.
func TestBookedMedicineSessionBringsPreSessionMeasures(t *testing.T) {
	m := newMeasuresPractice(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	sessions := func() []time.Time {
		t.Helper()
		var cm ClientMeasures
		err := m.st.Read(ctx, func(tx *store.Tx) (err error) {
			cm, err = clientMeasures(ctx, tx, m.Clinic, m.Clients["A"].ID, m.Now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return cm.Sessions
	}
	got := sessions()
	if len(got) != 1 || !got[0].Equal(m.startA) || got[0].Location().String() != m.Clinic.Location().String() {
		t.Fatalf("upcoming sessions %v, want [%v] in %s", got, m.startA, m.Clinic.Location())
	}
	c := measures.Course{Start: m.Now.AddDate(0, 0, -30), Phase: "active", Sessions: got}
	var reasons []string
	for _, d := range measures.DueNow(measures.DefaultProtocol(), c, []measures.Administration{
		{InstrumentID: measures.PHQ9, At: m.Now.AddDate(0, 0, -5)}, {InstrumentID: measures.GAD7, At: m.Now.AddDate(0, 0, -5)}}, m.Now, timefmt.New(m.Clinic.Location(), "")) {
		reasons = append(reasons, d.InstrumentID+": "+d.Reason)
	}
	want := "before session on " + timefmt.New(m.Clinic.Location(), "").DateTime(m.startA)
	if !slices.Contains(reasons, "phq9: "+want) || !slices.Contains(reasons, "gad7: "+want) {
		t.Errorf("due %q, want PHQ-9 and GAD-7 %q", reasons, want)
	}
	err := m.st.Write(ctx, func(tx *store.Tx) error {
		return tx.CancelAppointment(ctx, m.Clinic.ID, m.apptA, m.Users["assigned"].ID, "Client unwell", m.Now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := sessions(); len(got) != 0 {
		t.Errorf("a cancelled session is still upcoming: %v", got)
	}
}

// mustEntries checks the audit entries of a's request by action and
// resource.
func (m *measuresPractice) mustEntries(t *testing.T, a Actor, want ...string) []audit.Entry {
	t.Helper()
	got := m.entries(a)
	var have []string
	for _, e := range got {
		have = append(have, e.Action+" "+e.ResourceType+" "+e.ResourceID)
	}
	if !slices.Equal(have, want) {
		t.Errorf("audit entries %q, want %q", have, want)
	}
	return got
}

// Acknowledging a flag: refused, whether the client is out of the
// clinician's scope or the flag is not the client's, it is recorded once
// and changes nothing; the note is required; done, it is recorded at high
// severity in the same transaction, and the first note stands.
func TestAcknowledgeFlag(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			m := newMeasuresPractice(t, e.Config(t))
			ctx := context.Background()
			a := m.Clients["A"]

			out := m.actor("unassigned")
			err := m.svc.AcknowledgeFlag(ctx, out, a.ID, m.flagID, "Phoned.")
			if problem.CodeOf(err) != problem.NotFound || !Recorded(err) {
				t.Errorf("unassigned therapist: %v, want a recorded NotFound", err)
			}
			m.mustEntries(t, out, "access.denied client "+a.ID)

			assigned := m.actor("assigned")
			elsewhere := auth.NewID()
			if err := m.svc.AcknowledgeFlag(ctx, assigned, a.ID, elsewhere, "Phoned."); !Recorded(err) {
				t.Errorf("a flag that is not client A's: %v, want a recorded NotFound", err)
			}
			m.mustEntries(t, assigned, "access.denied safety_flag "+elsewhere)

			empty := m.actor("assigned")
			if err := m.svc.AcknowledgeFlag(ctx, empty, a.ID, m.flagID, "  "); problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "note" {
				t.Errorf("empty note: %v, want Invalid at note", err)
			}
			m.mustEntries(t, empty)
			if len(m.openFlags()) != 1 {
				t.Fatal("a refused acknowledgement closed the flag")
			}

			done := m.actor("assigned")
			if err := m.svc.AcknowledgeFlag(ctx, done, a.ID, m.flagID, "Phoned Avery the same day."); err != nil {
				t.Fatal(err)
			}
			got := m.mustEntries(t, done, "safety_flag.acknowledge safety_flag "+m.flagID)
			if len(got) == 1 && (got[0].Severity != audit.High || got[0].ClientID != a.ID) {
				t.Errorf("the acknowledgement is recorded as %+v, want high severity, client A", got[0])
			}
			if len(m.openFlags()) != 0 {
				t.Error("the flag is still open")
			}
			if err := m.svc.AcknowledgeFlag(ctx, m.actor("prescriber"), a.ID, m.flagID, "Again."); problem.CodeOf(err) != problem.Conflict {
				t.Errorf("a second acknowledgement: %v, want Conflict", err)
			}
		})
	}
}

// maxAssignStatements is what assigning a questionnaire may cost: the
// client and care team, the settings, the current course, the assignment,
// and its audit entry after the log's head.
const maxAssignStatements = 7

// Assigning a questionnaire: access first, then the choice; done, the
// assignment belongs to the course and is recorded with it, in a few
// statements.
func TestAssignQuestionnaire(t *testing.T) {
	m := newMeasuresPractice(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	a := m.Clients["A"]

	out := m.actor("unassigned")
	if _, err := m.svc.AssignQuestionnaire(ctx, out, a.ID, "not-an-instrument"); !Recorded(err) {
		t.Errorf("unassigned therapist: %v, want a recorded NotFound before the choice is looked at", err)
	}
	m.mustEntries(t, out, "access.denied client "+a.ID)

	off := m.actor("assigned")
	if _, err := m.svc.AssignQuestionnaire(ctx, off, a.ID, measures.CSSRSScreen); problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != FieldInstrument {
		t.Errorf("the C-SSRS, switched off: %v, want Invalid at %s", err, FieldInstrument)
	}
	m.mustEntries(t, off)

	ok := m.actor("assigned")
	m.counter.Reset()
	got, err := m.svc.AssignQuestionnaire(ctx, ok, a.ID, " gad7 ")
	if err != nil {
		t.Fatal(err)
	}
	n := m.counter.Count()
	t.Logf("assigning a questionnaire: %d statements", n)
	if n > maxAssignStatements {
		for _, q := range m.counter.Statements() {
			t.Log(q)
		}
		t.Errorf("assigning took %d statements; at most %d", n, maxAssignStatements)
	}
	asg := got.Assignment
	if asg.InstrumentID != measures.GAD7 || asg.CourseID != m.courseID || asg.Occasion != store.OccasionAssigned || asg.AssignedBy != m.Users["assigned"].ID {
		t.Errorf("assigned %+v", asg)
	}
	m.mustEntries(t, ok, "measure.assign instrument_assignment "+asg.ID)
}

// Every field of the measures settings in error is refused at once, and
// nothing is saved; a crisis text the store cannot hold is refused at the
// crisis text (it used to be named by its setting key, which the form does
// not show); a save records its changes in one entry, and a save that
// changes nothing records nothing.
func TestSaveMeasureSettings(t *testing.T) {
	m := newMeasuresPractice(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	before := m.settings()

	bad := MeasureSettingsForm{PCL5Cutoff: "0", CSSRS: true, RCI: map[string]RCIReference{measures.PHQ9: {SD: "x"}}}
	prescriber := m.actor("prescriber")
	if err := m.svc.SaveMeasureSettings(ctx, prescriber, bad); !Recorded(err) {
		t.Errorf("prescriber: %v, want a recorded NotFound before the form is looked at", err)
	}
	m.mustEntries(t, prescriber, "access.denied clinic_settings ")

	admin := m.actor("admin")
	err := m.svc.SaveMeasureSettings(ctx, admin, bad)
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		if problem.CodeOf(e) == problem.Invalid {
			fields = append(fields, problem.FieldOf(e))
		}
	}
	want := []string{FieldPCL5Cutoff, FieldCSSRSLicence, FieldRCISD(measures.PHQ9), FieldRCIReliability(measures.PHQ9)}
	if !slices.Equal(fields, want) {
		t.Errorf("refused fields %q, want %q", fields, want)
	}
	long := MeasureSettingsForm{CrisisText: strings.Repeat("Call us. ", 500), PCL5Cutoff: "33"}
	if err := m.svc.SaveMeasureSettings(ctx, admin, long); problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != FieldCrisisText {
		t.Errorf("a crisis text too long: %v, want Invalid at %s", err, FieldCrisisText)
	}
	m.mustEntries(t, admin)
	if after := m.settings(); len(after) != len(before) {
		t.Fatalf("refused saves changed the settings: %v", after)
	}

	good := MeasureSettingsForm{CrisisText: "Call the Main Clinic crisis line.", PCL5Cutoff: "31", CSSRS: true, CSSRSLicenceConfirmed: true,
		RCI: map[string]RCIReference{measures.PHQ9: {SD: "5.7", Reliability: "0.84"}}}
	saved := m.actor("admin")
	if err := m.svc.SaveMeasureSettings(ctx, saved, good); err != nil {
		t.Fatal(err)
	}
	got := m.mustEntries(t, saved, "clinic.settings clinic "+m.Clinic.ID)
	if len(got) == 1 && got[0].Detail != "measures: measures.crisis_text, measures.cssrs.enabled, measures.cssrs.licence, measures.pcl5_cutoff, "+
		"measures.rci.phq9.reliability, measures.rci.phq9.sd" {
		t.Errorf("the change is recorded as %q", got[0].Detail)
	}
	read, err := m.svc.ReadMeasureSettings(ctx, m.actor("admin"))
	if err != nil {
		t.Fatal(err)
	}
	if read.PCL5Cutoff != "31" || !read.CSSRS || !strings.HasPrefix(read.CSSRSLicence, "Licence for electronic use confirmed by Staff admin on ") ||
		read.RCI[measures.PHQ9] != (RCIReference{SD: "5.7", Reliability: "0.84"}) {
		t.Errorf("read back %+v", read)
	}
	again := m.actor("admin")
	if err := m.svc.SaveMeasureSettings(ctx, again, good); err != nil {
		t.Fatal(err)
	}
	m.mustEntries(t, again)
}

// The clinic-wide measures pages refuse whoever is not the clinic's admin,
// recording the refusal once, as a denial of what they asked for.
func TestClinicMeasuresRefuseOthers(t *testing.T) {
	m := newMeasuresPractice(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	for name, call := range map[string]func(a Actor) (string, error){
		"settings": func(a Actor) (string, error) {
			_, err := m.svc.ReadMeasureSettings(ctx, a)
			return "clinic_settings", err
		},
		"outcomes": func(a Actor) (string, error) { _, err := m.svc.ClinicOutcomes(ctx, a); return "clinic_outcomes", err },
		"export": func(a Actor) (string, error) {
			_, err := m.svc.ExportClinicOutcomes(ctx, a)
			return "clinic_outcomes", err
		},
	} {
		a := m.actor("assigned")
		typ, err := call(a)
		if !Recorded(err) {
			t.Errorf("%s as a therapist: %v, want a recorded NotFound", name, err)
		}
		m.mustEntries(t, a, "access.denied "+typ+" ")
	}
}

// A trend's change figures compare the course's first score with its
// newest, by the clinic's thresholds and its reliable-change reference; a
// score from before the course is not its baseline. Worked by hand: PHQ-9
// 14 then 13 is a change of -1 (-7%), not reliable (6 points needed), not
// response (7 needed), not remission (4 or less). With SD 5.7 and
// reliability 0.84: SEM = 5.7 × √0.16 = 2.28, SDiff = √2 × 2.28 = 3.224,
// RCI = -1 / 3.224 = -0.31, reliable beyond 1.96 × 3.224 = 6.32 points.
func TestTrendChangeFigures(t *testing.T) {
	m := newMeasuresPractice(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	a := m.Clients["A"]
	err := m.svc.SaveMeasureSettings(ctx, m.actor("admin"), MeasureSettingsForm{PCL5Cutoff: "33",
		RCI: map[string]RCIReference{measures.PHQ9: {SD: "5.7", Reliability: "0.84"}}})
	if err != nil {
		t.Fatal(err)
	}
	earlier := m.Now.AddDate(0, 0, -60)
	err = m.st.Write(ctx, func(tx *store.Tx) error {
		asg := store.Assignment{ID: auth.NewID(), ClinicID: m.Clinic.ID, ClientID: a.ID, InstrumentID: measures.PHQ9, Occasion: store.OccasionPaper,
			DueAt: earlier, CreatedAt: earlier}
		if err := tx.CreateAssignment(ctx, &asg); err != nil {
			return err
		}
		r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: m.Clinic.ID, ClientID: a.ID, InstrumentID: measures.PHQ9,
			Answers: measures.Answers{}, Total: 27, HasTotal: true, EnteredBy: m.Users["assigned"].ID, OnPaper: true, CompletedAt: earlier, RecordedAt: earlier}
		return tx.SaveResponse(ctx, &r, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	reader := m.actor("assigned")
	tp, err := m.svc.Trend(ctx, reader, a.ID, measures.PHQ9)
	if err != nil {
		t.Fatal(err)
	}
	m.mustEntries(t, reader, "client.read client "+a.ID)
	tr := tp.Trend
	if len(tr.Responses) != 3 || !tr.Flagged[tr.Responses[1].ID] || tr.Flagged[tr.Responses[2].ID] {
		t.Fatalf("history %+v", tr.History)
	}
	c := tr.Change
	f := c.Figures
	if c.Missing != "" || f.Baseline != 14 || f.Latest != 13 || f.Delta != -1 || math.Round(f.Percent) != -7 ||
		f.ReliableImprovement || f.Response || f.Remission {
		t.Errorf("change %+v", c)
	}
	if !c.HasRCI || math.Abs(c.RCI.Index-(-0.31)) > 0.005 || math.Abs(c.RCI.MinChange-6.32) > 0.005 || c.RCI.Reliable {
		t.Errorf("RCI %+v, want -0.31, reliable beyond 6.32 points", c.RCI)
	}
	if _, err := m.svc.Trend(ctx, m.actor("assigned"), a.ID, "nothing"); problem.CodeOf(err) != problem.NotFound || Recorded(err) ||
		problem.FieldOf(err) != FieldInstrument {
		t.Errorf("an unknown instrument: %v, want an unrecorded NotFound at %s", err, FieldInstrument)
	}
}

// The measures report is an export of the client's record, recorded as
// such; refused, it records the refusal and no export.
func TestMeasuresReportRecordedAsExport(t *testing.T) {
	m := newMeasuresPractice(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	a := m.Clients["A"]
	out := m.actor("unassigned")
	if _, err := m.svc.ExportMeasuresReport(ctx, out, a.ID); !Recorded(err) {
		t.Errorf("unassigned therapist: %v, want a recorded NotFound", err)
	}
	m.mustEntries(t, out, "access.denied client "+a.ID)
	in := m.actor("prescriber")
	rep, err := m.svc.ExportMeasuresReport(ctx, in, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	m.mustEntries(t, in, "client.export client "+a.ID)
	if len(rep.Trends) != 1 || rep.Trends[0].Instrument.ID != measures.PHQ9 || rep.Trends[0].Change.Figures.Delta != -1 {
		t.Errorf("report %+v", rep.Trends)
	}
}

// A client's own progress holds their scores only; anyone else's record is
// out of reach.
func TestMyProgress(t *testing.T) {
	m := newMeasuresPractice(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	ca := m.actor("clientA")
	hs, err := m.svc.MyProgress(ctx, ca)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || len(hs[0].Responses) != 2 || hs[0].Responses[0].Total != 14 || hs[0].Flagged != nil {
		t.Errorf("client A's progress %+v", hs)
	}
	m.mustEntries(t, ca, "client.read client "+m.Clients["A"].ID)
	if hs, err := m.svc.MyProgress(ctx, m.actor("clientB")); err != nil || len(hs) != 0 {
		t.Errorf("client B's progress: %+v, %v", hs, err)
	}
	if _, err := m.svc.MyProgress(ctx, m.actor("assigned")); !Recorded(err) {
		t.Errorf("a therapist's own progress: %v, want a recorded NotFound", err)
	}
}
