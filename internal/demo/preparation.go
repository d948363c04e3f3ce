package demo

import (
	"context"
	"fmt"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// The preparation part: consent signed by every client past preparation
// (and the couples consent by Priya and Ben), Maya's intention and goals, a
// documented preparation session for each course that has reached one (the
// couple's a joint session), the clients' checklists, and Ruth, in
// preparation, who has done everything but sign her consent: fresh baseline
// PHQ-9 and GAD-7 and a preparation session, an intention, and a goal Sam
// proposed that she has yet to agree to; Maya's goal of a PHQ-9 below 10 is
// marked achieved. Ruth's dosing order is the schedule
// part's, her screening approval the screening part's.

// pastPreparation are the clients whose courses have reached medicine
// sessions, with who led their preparation.
var pastPreparation = []struct{ client, therapist string }{
	{"maya", "sam"}, {"daniel", "sam"}, {"lena", "sam"}, {"tom", "sam"}, {"noah", "sam"},
}

const demoPrepNote = `Focus of the session: what brings %s to KAP now, and what a medicine session is like.

Intentions explored: %s

Practical preparation: fasting for 4 hours, no alcohol for 24 hours, no stimulants on the day. Ride home arranged.

Touch and consent discussed: a hand on the shoulder is welcome if distressed; nothing else.

Readiness: calm, curious, some nervousness about losing control; we practised box breathing for that moment.

Plan: first medicine session once every gate is clear.`

func seedPreparation(ctx context.Context, s *seeder) error {
	clinic := s.clinics[ShortName]
	tx := s.tx
	if err := tx.EnsureConsentDocuments(ctx, clinic.ID, s.now.Add(-days(300))); err != nil {
		return err
	}
	courses := map[string]store.Course{}
	for key, cl := range s.clients {
		co, ok, err := tx.CurrentCourse(ctx, clinic.ID, cl.ID)
		if err != nil {
			return err
		}
		if ok {
			courses[key] = co
		}
	}
	sign := func(key, kind string) error {
		cl, co := s.clients[key], courses[key]
		sig := store.ConsentSignature{ClinicID: clinic.ID, ClientID: cl.ID, Kind: kind, TypedName: cl.GivenName + " " + cl.FamilyName,
			Agreed: true, SignedAt: co.StartedAt.Add(days(6) + 10*time.Hour), IP: "198.51.100.20"}
		if _, err := tx.SignConsent(ctx, &sig, 1); err != nil {
			return fmt.Errorf("demo consent for %s: %w", key, err)
		}
		s.record(clinic.ID, clientActor(cl), sig.SignedAt, audit.Entry{Action: "consent.sign", ResourceType: "consent_signature", ResourceID: sig.ID,
			ClientID: cl.ID, Severity: audit.High, Detail: kind + " version 1"})
		return nil
	}
	note := func(key, therapist, body, jointWith string, at time.Time) error {
		cl, co := s.clients[key], courses[key]
		n := store.PrepNote{ClinicID: clinic.ID, ClientID: cl.ID, CourseID: co.ID, OccurredAt: at, Body: body,
			AuthorID: s.staff[therapist].ID, SignedAt: at.Add(2 * time.Hour), JointWith: jointWith}
		if err := tx.AddPrepNote(ctx, &n); err != nil {
			return fmt.Errorf("demo preparation note for %s: %w", key, err)
		}
		s.record(clinic.ID, s.staffMember(therapist), n.SignedAt, audit.Entry{Action: "prep_note.sign", ResourceType: "prep_note", ResourceID: n.ID, ClientID: cl.ID})
		return nil
	}
	for _, p := range pastPreparation {
		if err := sign(p.client, care.ConsentKAP); err != nil {
			return err
		}
		cl := s.clients[p.client]
		body := fmt.Sprintf(demoPrepNote, cl.GivenName, "to feel something other than numbness; to trust the process.")
		if err := note(p.client, p.therapist, body, "", courses[p.client].StartedAt.Add(days(5)+15*time.Hour)); err != nil {
			return err
		}
	}
	// The couple: each consented to their own care and to couples work,
	// and one joint preparation session is in each partner's course.
	for _, key := range []string{"priya", "ben"} {
		if err := sign(key, care.ConsentKAP); err != nil {
			return err
		}
		if err := sign(key, care.ConsentCouples); err != nil {
			return err
		}
	}
	joint := courses["priya"].StartedAt.Add(days(4) + 17*time.Hour)
	jointBody := "Joint preparation session with Priya and Ben.\n\n" + fmt.Sprintf(demoPrepNote, "the couple",
		"to listen without defending; to remember why we chose each other.") +
		"\n\nAgreed: no big decisions about the relationship in the week after a session."
	if err := note("priya", "robin", jointBody, s.clients["ben"].ID, joint); err != nil {
		return err
	}
	if err := note("ben", "robin", jointBody, s.clients["priya"].ID, joint); err != nil {
		return err
	}

	// Ruth: a baseline within 14 days and a preparation session five days
	// ago; her consent is the one thing missing.
	ruth, ruthCourse := s.clients["ruth"], courses["ruth"]
	for _, b := range []struct {
		instrument string
		total      int
	}{{measures.PHQ9, 14}, {measures.GAD7, 10}} {
		in, _ := measures.ByID(b.instrument)
		if err := s.response(ctx, clinic, ruth, ruthCourse, in, point{daysAgo: 3, total: b.total}, false, s.staff["sam"].ID); err != nil {
			return fmt.Errorf("demo baseline for ruth: %w", err)
		}
	}
	if err := note("ruth", "sam", fmt.Sprintf(demoPrepNote, "Ruth", "to make peace with the years since Michael died; to sleep again."),
		"", s.now.Add(-days(5)).Truncate(time.Hour)); err != nil {
		return err
	}

	goal := func(key, kind, text, measure, by string, clientAgreed, teamAgreed bool, at time.Time) error {
		cl, co := s.clients[key], courses[key]
		g := store.Goal{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: cl.ID, CourseID: co.ID, Kind: kind, Text: text, Measure: measure,
			CreatedBy: by, CreatedAt: at}
		if clientAgreed {
			g.AgreedByClientAt = &at
		}
		if teamAgreed {
			g.AgreedByTherapistAt, g.AgreedByTherapist = &at, s.staff["sam"].ID
		}
		if err := tx.AddGoal(ctx, &g); err != nil {
			return fmt.Errorf("demo goal for %s: %w", key, err)
		}
		who := actor{id: by, kind: audit.ActorStaff}
		if by == cl.UserID {
			who = clientActor(cl)
		}
		s.record(clinic.ID, who, at, audit.Entry{Action: "goal.add", ResourceType: "goal", ResourceID: g.ID, ClientID: cl.ID})
		return nil
	}
	maya := courses["maya"].StartedAt
	sam := s.staff["sam"].ID
	for _, g := range []struct {
		key, kind, text, measure, by string
		client, team                 bool
		at                           time.Time
	}{
		{"maya", store.GoalIntention, "To stop bracing against every day, and to feel some lightness again.", "", s.clients["maya"].UserID, true, true, maya.Add(days(3))},
		{"maya", store.GoalGoal, "Depression down to the mild range.", "phq9<10", sam, true, true, maya.Add(days(5))},
		{"maya", store.GoalGoal, "Worry no longer running the day.", "gad7<8", sam, true, true, maya.Add(days(5))},
		{"maya", store.GoalGoal, "Back to painting on Saturday mornings.", "", sam, true, true, maya.Add(days(5))},
		{"ruth", store.GoalIntention, "To make peace with the years since Michael died.", "", ruth.UserID, true, false, s.now.Add(-days(6))},
		{"tom", store.GoalIntention, "To feel something other than numbness, and to trust the process.", "", s.clients["tom"].UserID, true, true, courses["tom"].StartedAt.Add(days(7))},
		{"daniel", store.GoalIntention, "To get out from under the weight in the mornings.", "", s.clients["daniel"].UserID, true, true, courses["daniel"].StartedAt.Add(days(4))},
		{"noah", store.GoalIntention, "To stop waiting for the other shoe to drop.", "", s.clients["noah"].UserID, true, true, courses["noah"].StartedAt.Add(days(4))},
		{"ruth", store.GoalGoal, "Sleep through most nights.", "", sam, false, true, s.now.Add(-days(5))},
	} {
		if err := goal(g.key, g.kind, g.text, g.measure, g.by, g.client, g.team, g.at); err != nil {
			return err
		}
	}
	// Maya's PHQ-9 fell from 19 to 8: Sam marked her first goal achieved
	// once it was below 10 two weeks running.
	mayaGoals, err := tx.Goals(ctx, clinic.ID, courses["maya"].ID)
	if err != nil {
		return err
	}
	for _, g := range mayaGoals {
		if g.Measure != "phq9<10" {
			continue
		}
		achieved := s.now.Add(-days(3)).Truncate(time.Hour)
		if err := tx.SetGoalStatus(ctx, clinic.ID, g.ClientID, g.ID, store.GoalAchieved, sam, achieved); err != nil {
			return fmt.Errorf("demo goal achieved for maya: %w", err)
		}
		s.record(clinic.ID, s.staffMember("sam"), achieved, audit.Entry{Action: "goal.status", ResourceType: "goal", ResourceID: g.ID, ClientID: g.ClientID,
			Detail: "achieved"})
	}

	for _, c := range []struct {
		key, companion, phone, room string
		stimulants                  bool
	}{
		{"maya", "Wen Chen (brother)", "(503) 555-0117", "My bedroom, curtains drawn; Wen stays the evening.", true},
		{"daniel", "Erin Brooks (wife)", "(541) 555-0177", "Home; Erin keeps the kids at her mother's.", true},
		{"noah", "Ava Williams (partner)", "(541) 555-0163", "Our flat, the blinds down.", true},
		{"tom", "Folake Adeyemi (sister)", "(541) 555-0119", "Folake's sofa, with a blanket and no screens.", true},
		{"ruth", "Eileen Gallagher (sister)", "(503) 555-0161", "Eileen's spare room, with the dog.", false},
		{"priya", "Asha Sharma (sister)", "(503) 555-0133", "Home, the quiet back room.", true},
		{"ben", "Asha Sharma (Priya's sister)", "(503) 555-0133", "Home, the quiet back room.", true},
	} {
		cl := s.clients[c.key]
		list := store.Checklist{CourseID: courses[c.key].ID, ClinicID: clinic.ID, ClientID: cl.ID, FastingUnderstood: true, NoSubstances: true,
			StimulantsPaused: c.stimulants, CompanionName: c.companion, CompanionPhone: c.phone, RoomReady: true, RoomNote: c.room,
			UpdatedBy: cl.UserID, UpdatedAt: s.now.Add(-days(4))}
		if err := tx.SaveChecklist(ctx, &list); err != nil {
			return fmt.Errorf("demo checklist for %s: %w", c.key, err)
		}
	}
	return nil
}
