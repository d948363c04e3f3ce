package demo

import (
	"context"
	"fmt"
	"time"

	"doorway/internal/auth"
	"doorway/internal/intake"
	"doorway/internal/screening"
	"doorway/internal/store"
)

// The front door of the demo: Ivy Nakamura's inquiry, and intake and a
// screening decision for the clients whose courses measures.go opened.
// Maya, Daniel, Lena, Tom, Priya, Ben, Noah and Ruth were approved by Dr.
// Jordan Lee a week before their course started, within the 180 days an
// approval lasts; Omar finished intake and waits for the prescriber, with the
// benzodiazepine rule fired; Grace was declined for a past brain haemorrhage.

type intakeSpec struct {
	client  string
	change  map[string]string   // answers that differ from a clean intake
	meds    []intake.Medication // nil: takes no regular medicines
	decide  screening.DecisionKind
	note    string
	hopes   string
	daysAgo int // when intake was finished; 0: a week before the course began
}

var demoIntakes = []intakeSpec{
	{client: "maya", decide: screening.Approve, note: "No concerns on screening. Good fit for KAP.", hopes: "To get out from under the fog of the last two years."},
	{client: "daniel", decide: screening.Approve, note: "Clear screening. Sertraline continues unchanged.", hopes: "To stop dreading every morning.",
		meds: []intake.Medication{{Name: "sertraline", DoseMG: 100, TimesPerDay: 1, Class: screening.OtherMed}}},
	{client: "lena", decide: screening.Approve, note: "Clear screening; safety plan in place with her therapist.", hopes: "To feel something other than numb."},
	{client: "tom", decide: screening.ApproveWithConditions, note: "Treated hypertension, well controlled. Condition: blood pressure under 140/90 on the morning of each session.",
		change: map[string]string{"hypertension": "treated_controlled", "bp_systolic": "132", "bp_diastolic": "84"}, hopes: "To sleep through a night without the old dreams."},
	{client: "priya", decide: screening.Approve, note: "Clear screening.", hopes: "To grieve my mother without being swallowed by it."},
	{client: "ben", decide: screening.Approve, note: "Clear screening.", hopes: "To be present with Priya again."},
	{client: "noah", decide: screening.Approve, note: "Clear screening.", hopes: "To find my way back to work."},
	{client: "ruth", decide: screening.Approve, note: "Older adult: start low, watch blood pressure closely. Otherwise clear.", hopes: "To make peace with being alone in the house."},
	{client: "omar", daysAgo: 2, hopes: "Panic that has shrunk my life to a few streets.",
		meds: []intake.Medication{{Name: "lorazepam", DoseMG: 1, TimesPerDay: 2, Class: screening.Benzodiazepine}}},
	{client: "grace", daysAgo: 25, decide: screening.Decline, change: map[string]string{"ich": "yes"}, hopes: "To lift the depression that came after my stroke.",
		note: "History of intracerebral haemorrhage (2019). Ketamine raises blood pressure and is not safe for Grace; discussed with her by phone and referred back to her psychiatrist for other options."},
}

// cleanAnswers is an intake with nothing for screening to worry about.
var cleanAnswers = map[string]map[string]string{
	"contact": {"phone": "555-0150", "emergency_name": "A friend", "emergency_relationship": "friend", "emergency_phone": "555-0151"},
	"medical": {"aneurysm_avm": "no", "ich": "no", "stroke": "no", "heart_attack": "no", "heart_disease": "no", "hypertension": "none", "intracranial_pressure": "no",
		"intraocular_pressure": "no", "liver_disease": "no", "hyperthyroidism_untreated": "no", "bladder_disease": "no", "ketamine_hypersensitivity": "no",
		"sleep_apnoea": "no", "snore": "no", "tired": "yes", "observed_apnoea": "no", "neck_large": "no", "male": "no"},
	"medications":   {},
	"substances":    {"substance_disorder_12m": "no", "substance_use_3m": "no", "substance_disorder_ever": "no", "ketamine_disorder_ever": "no"},
	"mental_health": {"psychosis_mania_now": "no", "psychotic_disorder": "no", "family_psychosis": "no", "personality_disorder": "no", "suicidal_intent": "no"},
	"pregnancy":     {"pregnant": "no", "breastfeeding": "no"},
	"body":          {"height_cm": "168", "weight_kg": "68"},
	"hopes":         {"indication": "clinical"},
}

func seedFrontDoor(ctx context.Context, s *seeder) error {
	clinic := s.clinics[ShortName]
	ivy := store.Inquiry{ID: auth.NewID(), ClinicID: clinic.ID, Name: "Ivy Nakamura", Email: "ivy.nakamura@example.org", Phone: "555-0188",
		Message: "My GP mentioned ketamine therapy. I have had depression on and off for ten years and two antidepressants have not helped much. Could we talk?",
		Consent: true, ReceivedAt: s.now.Add(-days(2))}
	if err := s.tx.CreateInquiry(ctx, &ivy); err != nil {
		return fmt.Errorf("demo inquiry: %w", err)
	}
	settings, err := s.tx.ScreeningSettings(ctx, clinic.ID)
	if err != nil {
		return err
	}
	for _, spec := range demoIntakes {
		if err := s.intake(ctx, clinic, spec, settings); err != nil {
			return fmt.Errorf("demo intake for %s: %w", spec.client, err)
		}
	}
	return nil
}

func (s *seeder) intake(ctx context.Context, clinic store.Clinic, spec intakeSpec, settings screening.Settings) error {
	cl := s.clients[spec.client]
	course, ok, err := s.tx.CurrentCourse(ctx, clinic.ID, cl.ID)
	if err != nil || !ok {
		return fmt.Errorf("no course (%v)", err)
	}
	done := course.StartedAt.Add(-days(7))
	if spec.daysAgo > 0 {
		done = s.now.Add(-days(spec.daysAgo))
	}
	in := store.Intake{CourseID: course.ID, ClinicID: clinic.ID, ClientID: cl.ID, UpdatedAt: done, CompletedAt: &done}
	for _, sec := range intake.Sections() {
		form := map[string]string{}
		for k, v := range cleanAnswers[sec.ID] {
			form[k] = v
		}
		for _, q := range sec.Questions {
			if v, ok := spec.change[q.ID]; ok {
				form[q.ID] = v
			}
		}
		if sec.ID == "hopes" {
			form["hopes"] = spec.hopes
		}
		if sec.Medications && len(spec.meds) == 0 {
			form["no_medications"] = "yes"
		}
		if err := in.Answers.Save(sec, form, spec.meds); err != nil {
			return fmt.Errorf("section %s: %w", sec.ID, err)
		}
	}
	if err := s.tx.SaveIntake(ctx, in); err != nil {
		return err
	}
	if spec.decide == "" {
		return nil
	}
	res := screening.Evaluate(in.Answers.Facts(done, cl.DateOfBirth, screening.CSSRSUnknown), settings)
	if err := screening.CheckDecision(res, screening.Decision{Kind: spec.decide, Note: spec.note}); err != nil {
		return err
	}
	at := done.Add(2 * 24 * time.Hour)
	d := store.ScreeningDecision{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: cl.ID, CourseID: course.ID, Kind: spec.decide,
		Tier: res.Tier, Note: spec.note, DecidedBy: s.staff["jordan"].ID, DecidedAt: at}
	for _, f := range res.Fired {
		d.Rules = append(d.Rules, f.Rule.ID)
	}
	if spec.decide.Approves() {
		exp := screening.ExpiresAt(at, settings)
		d.ExpiresAt = &exp
	}
	return s.tx.RecordScreeningDecision(ctx, &d)
}
