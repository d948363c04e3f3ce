package practice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/demo"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestJointIntegrationNoteIntegratesEachPartnersOwnRecord: in the demo,
// Robin (on both Sharmas' care teams) signs the note of their joint
// integration session from Priya's page: it goes into both courses, each
// integrating that partner's own signed record of their joint medicine
// session and naming the other. Sam, on neither team, is refused as if
// Priya did not exist; a joint note for a client in no couple is refused
// on the joint field.
func TestJointIntegrationNoteIntegratesEachPartnersOwnRecord(t *testing.T) {
	st := storetest.Open(t, storetest.Engines(t)[0])
	ctx := context.Background()
	now := storetest.At("2026-03-17 07:30")
	if _, err := demo.Seed(ctx, st, auth.NewHasher(1), now); err != nil {
		t.Fatal(err)
	}
	app := practice.New(practice.Config{Store: st, Now: func() time.Time { return now }})
	var clinic store.Clinic
	users := map[string]store.User{}
	clients := map[string]store.Client{}
	err := st.Read(ctx, func(tx *store.Tx) error {
		for _, who := range []string{"robin", "sam", "priya", "ben", "maya"} {
			u, err := tx.UserByEmail(ctx, who+"@stillwater.example")
			if err != nil {
				return err
			}
			users[who] = u
			if clinic.ID == "" {
				if clinic, err = tx.Clinic(ctx, u.ClinicID); err != nil {
					return err
				}
			}
		}
		cs, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: clinic.ID})
		for _, c := range cs {
			clients[strings.ToLower(c.GivenName)] = c
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	actor := func(who string) practice.Actor {
		return practice.NewActor(users[who].Principal(""), users[who].Name, clinic, "req-"+who, "192.0.2.1", practice.Pages)
	}
	priya, ben := clients["priya"], clients["ben"]
	page, err := app.Integration(ctx, actor("robin"), priya.ID)
	if err != nil || len(page.Sessions) != 1 || page.CoupleWith != "Ben Sharma" {
		t.Fatalf("Priya's integration page: %+v %v", page.Sessions, err)
	}
	in := practice.IntegrationNoteInput{ClientID: priya.ID, Template: "dap", MedicineSessionID: page.Sessions[0].ID, Day: calendar.Of(now, clinic.Location()),
		Sections: map[string]string{"data": "Both spoke of the walk home.", "assessment": "Closer.", "plan": "Sunday walks."}, Joint: true}
	if _, err := app.WriteIntegrationNote(ctx, actor("sam"), in); problem.CodeOf(err) != problem.NotFound {
		t.Errorf("Sam, on neither team: %v", err)
	}
	note, err := app.WriteIntegrationNote(ctx, actor("robin"), in)
	if err != nil {
		t.Fatal(err)
	}
	if note.JointWith != ben.ID {
		t.Errorf("Priya's note names %q", note.JointWith)
	}
	bens, err := app.Integration(ctx, actor("robin"), ben.ID)
	if err != nil || len(bens.Notes) != 1 || len(bens.Sessions) != 1 {
		t.Fatalf("Ben's notes: %+v %v", bens.Notes, err)
	}
	if n := bens.Notes[0]; n.JointWith != priya.ID || n.MedicineSessionID != bens.Sessions[0].ID || n.MedicineSessionID == note.MedicineSessionID ||
		n.Sections["plan"] != "Sunday walks." || bens.Partners[priya.ID] != "Priya Sharma" {
		t.Errorf("Ben's copy: %+v", n)
	}
	maya := clients["maya"]
	mayas, err := app.Integration(ctx, actor("sam"), maya.ID)
	if err != nil || len(mayas.Sessions) == 0 {
		t.Fatalf("Maya's sessions: %v", err)
	}
	in.ClientID, in.MedicineSessionID = maya.ID, mayas.Sessions[0].ID
	if _, err := app.WriteIntegrationNote(ctx, actor("sam"), in); problem.FieldOf(err) != practice.FieldJoint {
		t.Errorf("a joint note for Maya: %v", err)
	}
}
