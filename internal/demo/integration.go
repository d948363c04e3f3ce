package demo

import (
	"context"
	"fmt"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/integration"
	"doorway/internal/store"
	"doorway/internal/workbook"
)

// The integration part. Maya is mid-integration: an integration session
// three days after each of her four medicine sessions, each documented by
// Sam and signed (SOAP and DAP in turn, one with an addendum); her journal
// answers the reflection prompts the morning after and on the third morning
// of each session, with two entries shared; her practices, logged and
// shared; every prompt of workbook chapters 1 to 7 answered, two shared;
// and two psychotherapy notes of Sam's own. Noah's course has ended: his
// goals are reviewed, some in his own words, his shared reflections are in
// his summary because he has agreed to it.

// mayaJournal is what Maya wrote after each session: the morning-after
// answer, the third-morning answer, and which of them she shared.
var mayaJournal = []struct {
	day1, day3     string
	share1, share3 bool
}{
	{"Heavy legs, like after swimming. Colours behind the mask, mostly blue. I kept thinking of the kitchen in the old flat. Nothing dramatic, and I am a little disappointed.",
		"Celebrating that I went at all. Letting go, maybe, of needing it to be a big moment. I called Wen and actually talked.", false, false},
	{"This time the music felt like water I could float on. I cried for a while and it was not frightening. The phrase that stayed: you are allowed to rest.",
		"I want to celebrate the crying. I think I am ready to let go of the idea that resting is lazy. Told Sam I would paint on Saturday.", true, false},
	{"300 mg was different: I lost the room for a while and then found myself looking at my life from above, quite kindly. My body felt warm and very still.",
		"The kindness is still there, a bit. I am grieving the years I spent bracing. I painted for an hour on Saturday, badly, happily.", false, false},
	{"Quieter session. I met the part of me that stopped trying and she was just tired, not broken. Slept nine hours.",
		"What changed in my intention: I want my days to feel spacious, not just survivable. I noticed I am kinder to Wen. Sharing this one with Sam.", false, true},
}

// mayaNotes are Sam's notes of Maya's integration sessions, one per
// medicine session, in turn SOAP and DAP.
var mayaNotes = []struct {
	template string
	sections map[string]string
}{
	{integration.TemplateSOAP, map[string]string{
		"subjective": "Maya describes the first session as gentle and \"not dramatic\"; some disappointment. Images of her childhood kitchen. Reached out to her brother afterwards.",
		"objective":  "Calm, engaged, good eye contact. PHQ-9 this week 17. Sleeping 6 hours.",
		"assessment": "Tolerated 200 mg well; low intensity. Expectation of a breakthrough is itself a theme (pressure to perform).",
		"plan":       "Normalise a quiet first session. Box breathing daily. Review dose with Dr. Lee if the second session is similar."}},
	{integration.TemplateDAP, map[string]string{
		"data":       "Cried during the session and found it safe; phrase \"you are allowed to rest\". Shared her morning-after reflection. Plans to paint on Saturday. PHQ-9 15.",
		"assessment": "First access to grief without fear. Self-criticism about rest is loosening. No safety concerns.",
		"plan":       "Discussed the increase to 300 mg with Dr. Lee (order updated). Continue journaling; Saturday painting as a behavioural goal."}},
	{integration.TemplateSOAP, map[string]string{
		"subjective": "At 300 mg felt she \"looked at her life from above, kindly\". Grieving the years spent bracing. Painted on Saturday.",
		"objective":  "Brighter affect, laughed twice. PHQ-9 11, GAD-7 9. Practices logged four times this week.",
		"assessment": "Clear response; self-compassion emerging. Grief present and held.",
		"plan":       "Fourth session as planned. Chapter 7 of the workbook before it."}},
	{integration.TemplateDAP, map[string]string{
		"data":       "Met \"the part that stopped trying\": tired, not broken. Sleeping 9 hours. Wants days to feel spacious. Kinder with her brother.",
		"assessment": "Responder: PHQ-9 19 to 8 over the course. Goal of PHQ-9 below 10 met two weeks running. Integration is going well.",
		"plan":       "Integration sessions weekly for three weeks, then review the course and its end. Keep painting and the river walks."}},
}

// mayaWorkbook answers every prompt of chapters 1 to 7, in Maya's words.
var mayaWorkbook = map[string]string{
	"ch1.p1": "A year of grey. Two medicines that only made it flatter. My doctor mentioned KAP and I read everything at 2 a.m.",
	"ch1.p2": "A flutter under my ribs, half fear, half something like hope.",
	"ch1.p3": "To feel light some mornings. To want to paint again.",
	"ch1.p4": "Losing control in front of someone. Whether the clinic would rush me.",
	"ch1.p5": "Wen. Swimming. The river path.",
	"ch2.p1": "That mornings would not feel like lifting a wet coat.",
	"ch2.p2": "Feeling strange for days. Becoming someone I do not recognise. Nausea.",
	"ch2.p3": "How much wine I drank last winter. I said it in the end, and nobody flinched.",
	"ch2.p4": "Wen will drive me and stay the evening.",
	"ch2.p5": "Yes: my shoulders drop. Not yet: my jaw tightens. That told me something.",
	"ch3.p1": "The old kitchen. The feeling of being braced for bad news.",
	"ch3.p2": "I would like to see the heaviness from a little distance. May I be kind to myself. I am open to rest.",
	"ch3.p3": "The first one felt most true; the second made my eyes sting.",
	"ch3.p4": "That there is nothing under the grey. Sam being there helps.",
	"ch3.p5": "That I only have to be curious, not brave.",
	"ch4.p1": "Ride, fast, no wine, the day off work: all in place.",
	"ch4.p2": "Being sick. To a friend I would say: they have a bucket and they have seen it before.",
	"ch4.p3": "A hand on my shoulder is fine if I am distressed. Nothing else.",
	"ch4.p4": "My bedroom with the curtains drawn, the blue blanket, water by the bed.",
	"ch4.p5": "Wen. I have told my friend Jess too.",
	"ch5.p1": "Arriving is easy to picture. Coming back is the uncertain part.",
	"ch5.p2": "I go quiet and polite when I am overwhelmed. Please ask me.",
	"ch5.p3": "Safe in the sea as a child. Dangerous at the end of my marriage.",
	"ch5.p4": "Piano, strings, no singing please.",
	"ch5.p5": "You only have to be curious. Wen is outside. Breathe.",
	"ch6.p1": "After the divorce: swimming every morning, and Wen's Sunday dinners.",
	"ch6.p2": "A tight throat, then cold hands.",
	"ch6.p3": "Remind me where I am. Do not leave the room without telling me.",
	"ch6.p4": "This is a wave and waves pass. You are allowed to rest.",
	"ch6.p5": "My father's illness. I think I would want to look at it slowly.",
	"ch7.p1": "Heavy and warm during; since then my shoulders are lower than they have been for a year.",
	"ch7.p2": "Blue light, the old kitchen, a river from above.",
	"ch7.p3": "Relief, then grief, then a strange calm. The calm was the surprise.",
	"ch7.p4": "You are allowed to rest.",
	"ch7.p5": "Celebrate: painting again. Let go: the bracing.",
	"ch7.p6": "Wen, and my father. I want to call Wen more.",
}

// mayaSharedAnswers are the workbook answers Maya shares with Sam.
var mayaSharedAnswers = []string{"ch3.p2", "ch7.p5"}

// mayaPractices are her practices, days ago with minutes and a note.
var mayaPractices = []struct {
	kind    string
	daysAgo int
	minutes int
	note    string
}{
	{"breathing", 34, 5, "Box breathing before bed."},
	{"nature", 31, 40, "River path, all the way to the bridge."},
	{"art", 30, 60, "Painted the view from the window, badly and happily."},
	{"breathing", 27, 5, ""},
	{"journaling", 26, 15, "Answered the third-morning prompts."},
	{"movement", 23, 30, "Swimming, first time in months."},
	{"nature", 20, 45, "River walk with Wen."},
	{"art", 16, 90, "Saturday painting."},
	{"mindfulness", 12, 10, "RAIN practice, on the worry about work."},
	{"breathing", 9, 5, "Before a hard meeting."},
	{"art", 9, 75, "Saturday painting: the kitchen, finally."},
	{"nature", 5, 50, "River path in the rain."},
	{"somatic", 3, 15, "Noticed my shoulders, let them drop."},
	{"breathing", 1, 5, ""},
}

// mayaProcessNotes are Sam's own psychotherapy notes about Maya.
var mayaProcessNotes = []struct {
	daysAgo int
	body    string
}{
	{39, "The performance theme again: she apologised for crying, then for apologising. I noticed an urge to reassure her quickly; stayed with the silence instead. Something in how she speaks of her father's illness feels unfinished: go slowly."},
	{11, "\"Tired, not broken.\" She let the sentence land and did not rush to the next thing. Less of the caretaking of me that was there in the early sessions. My own relief at her progress: watch that it does not become a pressure on her to stay well."},
}

func seedIntegration(ctx context.Context, s *seeder) error {
	if err := s.seedMayaIntegration(ctx); err != nil {
		return fmt.Errorf("demo integration for maya: %w", err)
	}
	if err := s.seedNoahEnd(ctx); err != nil {
		return fmt.Errorf("demo end of course for noah: %w", err)
	}
	return nil
}

func (s *seeder) seedMayaIntegration(ctx context.Context) error {
	clinic := s.clinics[ShortName]
	loc := clinic.Location()
	maya, sam := s.clients["maya"], s.staff["sam"].ID
	tx := s.tx
	course, _, err := tx.CurrentCourse(ctx, clinic.ID, maya.ID)
	if err != nil {
		return err
	}
	sessions, err := tx.ClientMedicineSessions(ctx, clinic.ID, maya.ID)
	if err != nil {
		return err
	}
	if len(sessions) != len(mayaJournal) {
		return fmt.Errorf("%d medicine sessions, want %d", len(sessions), len(mayaJournal))
	}
	willow, err := s.room(ctx, "Willow Room")
	if err != nil {
		return err
	}
	at := func(d calendar.Day, hour, minute int) time.Time {
		return time.Date(d.Year, d.Month, d.Date, hour, minute, 0, 0, loc).UTC()
	}
	record := func(by actor, when time.Time, action, typ, id, detail string) {
		s.record(clinic.ID, by, when, audit.Entry{Action: action, ResourceType: typ, ResourceID: id, ClientID: maya.ID, Detail: detail})
	}
	samActs, mayaActs := s.staffMember("sam"), clientActor(maya)
	var notes []store.IntegrationNote
	for i, m := range sessions {
		day := calendar.Of(m.StartedAt, loc)
		// The integration session, three days on.
		third := day.AddDays(3)
		a := store.Appointment{ID: auth.NewID(), ClinicID: clinic.ID, Kind: store.KindIntegration, StartsAt: at(third, 15, 0), EndsAt: at(third, 15, 50),
			RoomID: willow, CreatedBy: sam, CreatedAt: m.StartedAt, Status: store.StatusCompleted, Staff: []string{sam},
			Clients: []store.AppointmentClient{{ClientID: maya.ID, CourseID: course.ID}}}
		if err := tx.BookAppointment(ctx, &a); err != nil {
			return err
		}
		record(samActs, a.CreatedAt, "appointment.create", "appointment", a.ID, "")
		// The reflection prompts, answered the morning after and on the
		// third morning.
		j := mayaJournal[i]
		for _, e := range []struct {
			set   string
			when  time.Time
			body  string
			share bool
		}{{integration.DayAfter.Key, at(day.AddDays(1), 9, 20), j.day1, j.share1}, {integration.ThreeDaysAfter.Key, at(third, 8, 40), j.day3, j.share3}} {
			entry := store.JournalEntry{ClinicID: clinic.ID, ClientID: maya.ID, PromptKey: integration.EntryKey(m.ID, e.set), Body: e.body,
				CreatedAt: e.when, UpdatedAt: e.when}
			if err := tx.SaveJournalEntry(ctx, &entry); err != nil {
				return err
			}
			record(mayaActs, e.when, "journal.write", "journal_entry", entry.ID, "new entry")
			if e.share {
				shared := e.when.Add(2 * time.Hour)
				if err := tx.ShareJournalEntry(ctx, clinic.ID, maya.ID, entry.ID, &shared); err != nil {
					return err
				}
				record(mayaActs, shared, "journal.share", "journal_entry", entry.ID, "")
			}
		}
		// Sam's note of the integration session, signed that evening.
		spec := mayaNotes[i]
		n := store.IntegrationNote{ClinicID: clinic.ID, ClientID: maya.ID, CourseID: course.ID, MedicineSessionID: m.ID, Template: spec.template,
			OccurredAt: a.StartsAt, Sections: spec.sections, AuthorID: sam, SignedAt: at(third, 17, 30)}
		if err := tx.AddIntegrationNote(ctx, &n); err != nil {
			return err
		}
		notes = append(notes, n)
		record(samActs, n.SignedAt, "integration_note.sign", "integration_note", n.ID, spec.template+"; medicine session "+m.ID)
	}
	// An addendum to the second note, the next morning.
	add := store.IntegrationNote{ClinicID: clinic.ID, ClientID: maya.ID, Template: integration.TemplateAddendum, AuthorID: sam,
		OccurredAt: notes[1].SignedAt.Add(15 * time.Hour), SignedAt: notes[1].SignedAt.Add(15 * time.Hour), AddendumTo: notes[1].ID,
		Sections: map[string]string{"addendum": "Correction: the dose change was agreed with Dr. Lee by phone the next morning, not in session."}}
	if err := tx.AddIntegrationNote(ctx, &add); err != nil {
		return err
	}
	record(samActs, add.SignedAt, "integration_note.addendum", "integration_note", add.ID, "addendum to "+notes[1].ID)

	// The practices log, shared since her third session.
	for _, p := range mayaPractices {
		day := calendar.Of(s.now.Add(-days(p.daysAgo)), loc)
		l := store.PracticeLog{ClinicID: clinic.ID, ClientID: maya.ID, Kind: p.kind, DoneOn: day.String(), Minutes: p.minutes, Note: p.note,
			CreatedAt: at(day, 20, 0)}
		if err := tx.AddPracticeLog(ctx, &l); err != nil {
			return err
		}
		record(mayaActs, l.CreatedAt, "practice.log", "practice_log", l.ID, "")
	}
	if err := tx.SetClientSharing(ctx, clinic.ID, maya.ID, store.Sharing{Practices: true}, sessions[2].StartedAt.Add(days(2))); err != nil {
		return err
	}

	// Workbook chapters 1 to 7, a chapter a week or so from the start of
	// her course; two answers shared.
	for _, c := range workbook.Chapters()[:7] {
		when := course.StartedAt.Add(days(2+9*(c.Number-1)) + 20*time.Hour)
		for _, p := range c.Prompts {
			ans := store.WorkbookAnswer{ClinicID: clinic.ID, ClientID: maya.ID, PromptID: p.ID, Body: mayaWorkbook[p.ID], UpdatedAt: when}
			if err := tx.SaveWorkbookAnswer(ctx, &ans); err != nil {
				return fmt.Errorf("workbook %s: %w", p.ID, err)
			}
			record(mayaActs, when, "workbook.answer", "workbook_answer", ans.ID, p.ID)
		}
	}
	for _, id := range mayaSharedAnswers {
		at := s.now.Add(-days(10))
		if err := tx.ShareWorkbookAnswer(ctx, clinic.ID, maya.ID, id, &at); err != nil {
			return err
		}
		record(mayaActs, at, "workbook.share", "workbook_answer", id, "")
	}

	// Sam's own psychotherapy notes: only Sam reads them.
	for _, p := range mayaProcessNotes {
		when := s.now.Add(-days(p.daysAgo)).Truncate(time.Hour)
		n := store.PsychotherapyNote{ClinicID: clinic.ID, ClientID: maya.ID, AuthorID: sam, Body: p.body, CreatedAt: when, UpdatedAt: when}
		if err := tx.AddPsychotherapyNote(ctx, &n); err != nil {
			return err
		}
		record(samActs, when, "psychotherapy_note.write", "psychotherapy_note", n.ID, "new")
	}
	return nil
}

// room finds one of the clinic's rooms by name.
func (s *seeder) room(ctx context.Context, name string) (string, error) {
	rooms, err := s.tx.Rooms(ctx, s.clinics[ShortName].ID)
	if err != nil {
		return "", err
	}
	for _, r := range rooms {
		if r.Name == name {
			return r.ID, nil
		}
	}
	return "", fmt.Errorf("no room %q", name)
}

// noahGoals are the goals Sam and Noah agreed at the start of his course,
// and how each ended; words are Noah's own, "" where he added none. His
// intention (the preparation part's) is reviewed too.
var noahGoals = []struct {
	text, measure string
	outcome       care.GoalOutcome
	words         string
}{
	{"Depression into remission.", "phq9<5", care.OutcomeAchieved, "I did not believe this number would ever be mine."},
	{"Worry no longer running the day.", "gad7<5", care.OutcomePartly, "Most days. Mondays are still Mondays."},
	{"Back to five-a-side football on Sundays.", "", care.OutcomeAchieved, ""},
	{"Sleep through most nights without the radio on.", "", care.OutcomeNotYet, "Better, not there. Something to keep working on."},
}

// noahJournal are entries from his course, the second and third shared.
var noahJournal = []struct {
	daysAgo int
	body    string
	share   bool
}{
	{111, "First session done. Mostly I noticed how tightly I hold my breath.", false},
	{97, "The knot in my chest loosened for the first time in years. I kept seeing the pitch at the park in the rain, and it felt like a good thing.", true},
	{62, "I said goodbye to the old story today: the one where something bad is always about to happen. It was quieter than I expected, and kinder.", true},
	{45, "Ava asked what changed. I said I stopped waiting.", false},
}

func (s *seeder) seedNoahEnd(ctx context.Context) error {
	clinic := s.clinics[ShortName]
	noah, sam := s.clients["noah"], s.staff["sam"].ID
	tx := s.tx
	course, _, err := tx.CurrentCourse(ctx, clinic.ID, noah.ID)
	if err != nil {
		return err
	}
	record := func(by actor, when time.Time, action, typ, id, detail string) {
		s.record(clinic.ID, by, when, audit.Entry{Action: action, ResourceType: typ, ResourceID: id, ClientID: noah.ID, Detail: detail})
	}
	samActs, noahActs := s.staffMember("sam"), clientActor(noah)
	agreed := course.StartedAt.Add(days(6))
	for _, g := range noahGoals {
		goal := store.Goal{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: noah.ID, CourseID: course.ID, Kind: store.GoalGoal, Text: g.text,
			Measure: g.measure, CreatedBy: sam, CreatedAt: agreed, AgreedByClientAt: &agreed, AgreedByTherapistAt: &agreed, AgreedByTherapist: sam}
		if err := tx.AddGoal(ctx, &goal); err != nil {
			return err
		}
		record(samActs, agreed, "goal.add", "goal", goal.ID, "")
	}
	goals, err := tx.Goals(ctx, clinic.ID, course.ID)
	if err != nil {
		return err
	}
	end := course.StartedAt
	if course.EndedAt != nil {
		end = *course.EndedAt
	}
	reviewed, worded := end.Add(-days(1)), end.Add(days(2))
	for _, g := range goals {
		outcome, words := care.OutcomePartly, "Most days now. On a bad day I notice it sooner."
		for _, spec := range noahGoals {
			if spec.text == g.Text {
				outcome, words = spec.outcome, spec.words
			}
		}
		if outcome.Final() && g.Status == store.GoalActive {
			if err := tx.SetGoalStatus(ctx, clinic.ID, noah.ID, g.ID, string(outcome), sam, reviewed); err != nil {
				return err
			}
		}
		if err := tx.ReviewGoal(ctx, g, outcome, sam, reviewed); err != nil {
			return err
		}
		record(samActs, reviewed, "goal.review", "goal", g.ID, string(outcome))
		if words != "" {
			if err := tx.SetGoalWords(ctx, g, words, worded); err != nil {
				return err
			}
			record(noahActs, worded, "goal.words", "goal", g.ID, "")
		}
	}
	for _, e := range noahJournal {
		when := s.now.Add(-days(e.daysAgo)).Truncate(time.Hour)
		entry := store.JournalEntry{ClinicID: clinic.ID, ClientID: noah.ID, Body: e.body, CreatedAt: when, UpdatedAt: when}
		if err := tx.SaveJournalEntry(ctx, &entry); err != nil {
			return err
		}
		record(noahActs, when, "journal.write", "journal_entry", entry.ID, "new entry")
		if e.share {
			if err := tx.ShareJournalEntry(ctx, clinic.ID, noah.ID, entry.ID, &when); err != nil {
				return err
			}
			record(noahActs, when, "journal.share", "journal_entry", entry.ID, "")
		}
	}
	if err := tx.SetCourseSummaryChoice(ctx, course, true, worded); err != nil {
		return err
	}
	record(noahActs, worded, "course_summary.choice", "course", course.ID, "shared reflections included")
	return nil
}
