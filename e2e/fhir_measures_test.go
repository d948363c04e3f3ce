package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// apiClient calls the running server's FHIR API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) call(method, path string, body []byte) (int, http.Header, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+"/fhir/r4"+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		c.t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, resp.Header, m
}

// apiToken makes a FHIR API token for a user, as `doorway token create` does.
func apiToken(t *testing.T, srv *server, userID string) string {
	t.Helper()
	ctx := context.Background()
	token := auth.NewSecret()
	err := srv.Store.Write(ctx, func(tx *store.Tx) error {
		return tx.CreateAPIToken(ctx, &store.APIToken{ID: auth.NewID(), UserID: userID, Name: "e2e app",
			TokenHash: auth.HashSecret(token), CreatedAt: srv.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestPHQ9ThroughFHIRRaisesFlag: a client's health app sends a PHQ-9 with
// question 9 answered "Several days" through the real server's FHIR API.
// It is scored (the app's own total is ignored), its score Observation can
// be read, and the client's therapist sees the safety flag on the caseload
// at once, exactly as if the client had used the portal.
func TestPHQ9ThroughFHIRRaisesFlag(t *testing.T) {
	srv := sqliteServer(t)
	ctx := context.Background()
	// A therapist and a client of their own, so the shared demo's caseloads
	// are not changed under other tests.
	therapist := newStaff(t, srv, "Quinn Okafor", "quinn.fhir@stillwater.example", store.RoleTherapist)
	var client store.Client
	err := srv.Store.Write(ctx, func(tx *store.Tx) error {
		staff, err := tx.UserByEmail(ctx, therapist.Email)
		if err != nil {
			return err
		}
		now := srv.Now()
		u := store.User{ID: auth.NewID(), ClinicID: staff.ClinicID, Email: "iris.fhir@stillwater.example", Name: "Iris Novak",
			Kind: "client", CreatedAt: now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		client = store.Client{ID: auth.NewID(), ClinicID: staff.ClinicID, UserID: u.ID, GivenName: "Iris", FamilyName: "Novak",
			Email: u.Email, CreatedAt: now}
		if err := tx.CreateClient(ctx, &client); err != nil {
			return err
		}
		if err := tx.AddToCareTeam(ctx, client.ID, staff.ID, now); err != nil {
			return err
		}
		// A client records through the API what they have been asked for.
		return tx.CreateAssignment(ctx, &store.Assignment{ID: auth.NewID(), ClinicID: staff.ClinicID, ClientID: client.ID,
			InstrumentID: measures.PHQ9, Occasion: store.OccasionAssigned, DueAt: now, AssignedBy: staff.ID, CreatedAt: now.Add(-time.Minute)})
	})
	if err != nil {
		t.Fatal(err)
	}
	app := apiClient{t: t, base: srv.URL, token: apiToken(t, srv, client.UserID)}

	// Items 1–8 "Several days" (LOINC answer LA6569-3), item 9 "Several
	// days" too: 9, mild; and a total item claiming 0, which is ignored.
	var items []any
	for _, code := range []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"} {
		items = append(items, map[string]any{"linkId": code, "answer": []any{map[string]any{
			"valueCoding": map[string]any{"system": "http://loinc.org", "code": "LA6569-3"}}}})
	}
	items = append(items, map[string]any{"linkId": "44261-6", "answer": []any{map[string]any{"valueInteger": 0}}})
	body, _ := json.Marshal(map[string]any{
		"resourceType": "QuestionnaireResponse", "questionnaire": "http://loinc.org/q/44249-1", "status": "completed",
		"subject": map[string]any{"reference": "Patient/" + client.ID}, "authored": srv.Now().Format(time.RFC3339), "item": items,
	})
	code, hdr, qr := app.call(http.MethodPost, "/QuestionnaireResponse", body)
	if code != http.StatusCreated || !strings.HasSuffix(hdr.Get("Location"), "/fhir/r4/QuestionnaireResponse/"+fmt.Sprint(qr["id"])) {
		t.Fatalf("create: %d %v %v", code, hdr.Get("Location"), qr)
	}
	code, _, obs := app.call(http.MethodGet, fmt.Sprintf("/Observation/score-%v", qr["id"]), nil)
	if code != 200 || obs["valueInteger"] != float64(9) {
		t.Errorf("score observation: %d %v", code, obs)
	}

	// The therapist sees the flag on the caseload board.
	b := newTab(t, srv.URL, phone)
	signIn(b, therapist)
	b.open("/caseload")
	flags := b.text(".notice.flag")
	if !strings.Contains(flags, "Iris Novak") || !strings.Contains(flags, "PHQ-9 question 9") {
		t.Errorf("the caseload's flags say %q", flags)
	}
	b.screenshot("caseload-fhir-flag")
}
