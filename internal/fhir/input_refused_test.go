package fhir

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"doorway/internal/session"
	"doorway/internal/store"
)

// TestInputThatShouldNotBeAccepted sends the API what it once took when it
// should not have: a vital sign of 0, which would be kept as "not
// measured"; a request for XML, once answered with JSON; a body cut short
// of its Content-Length, once a 500; a body that is not UTF-8, once stored
// with U+FFFD in place of what was sent; and a search parameter with no
// value (Observation?patient=), once ignored, so that the search returned
// every observation in the caller's scope. Each is refused with an
// OperationOutcome that says why, and nothing is stored.
func TestInputThatShouldNotBeAccepted(t *testing.T) {
	f := newFixture(t, store.Config{DataDir: t.TempDir()})
	f.seedMedicineSessions()
	a := f.clients["A"]
	live := f.sessions.encounter(f.sessions.liveAppt, a)
	readings := func() int {
		t.Helper()
		var n int
		if err := f.st.Read(context.Background(), func(tx *store.Tx) error {
			vs, err := tx.SessionVitals(context.Background(), f.p.Clinic.ID, f.sessions.live)
			n = len(vs)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := readings()

	// A vital sign of 0: 422 naming the value, in the API's words.
	for name, body := range map[string][]byte{
		"heart rate 0": vitalBody("8867-4", a.ID, live, map[string]any{"valueQuantity": map[string]any{"value": 0, "code": "/min"}}),
		"diastolic 0":  vitalBody("85354-9", a.ID, live, map[string]any{"component": []any{bpPart("8480-6", 120), bpPart("8462-4", 0)}}),
	} {
		rec := f.post("assigned", "/fhir/r4/Observation", body)
		o := mustFHIR(t, rec.Body.Bytes())
		if msg, _ := dig(o, "issue", 0, "diagnostics").(string); rec.Code != http.StatusUnprocessableEntity || msg != session.ZeroReading {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}

	// A body that is not UTF-8: 400.
	bad := []byte(strings.Replace(string(vitalBody("8867-4", a.ID, live)), `"final"`, "\"fin\xffal\"", 1))
	if rec := f.post("assigned", "/fhir/r4/Observation", bad); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "not UTF-8") {
		t.Errorf("a body not UTF-8: %d %s", rec.Code, rec.Body)
	}

	// A body shorter than its Content-Length, sent over a real connection
	// that then closes its side: 400, not 500.
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	body := vitalBody("8867-4", a.ID, live)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /fhir/r4/Observation HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/fhir+json\r\nContent-Length: %d\r\n\r\n%s",
		f.tokens["assigned"], len(body)+100, body)
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(got), "ended before the length its Content-Length gave") {
		t.Errorf("a truncated body: %d %s", resp.StatusCode, got)
	}
	mustFHIR(t, got)

	if n := readings(); n != before {
		t.Errorf("refused creates stored %d readings", n-before)
	}

	// Accept: what the server cannot serve is 406, an OperationOutcome; a
	// list that admits JSON anywhere, or no Accept at all, is served.
	for accept, want := range map[string]int{
		"application/fhir+xml":                         http.StatusNotAcceptable,
		"application/xml, text/html":                   http.StatusNotAcceptable,
		"application/fhir+json;q=0, application/xml":   http.StatusNotAcceptable,
		"application/fhir+xml, application/json;q=0.5": http.StatusOK,
		"application/fhir+json":                        http.StatusOK,
		"text/html,application/xhtml+xml,*/*;q=0.8":    http.StatusOK,
		"": http.StatusOK,
	} {
		for _, path := range []string{"/fhir/r4/metadata", "/fhir/r4/Patient/" + a.ID} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+f.tokens["assigned"])
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			if rec.Code != want {
				t.Errorf("Accept %q on %s: %d, want %d", accept, path, rec.Code, want)
				continue
			}
			o := mustFHIR(t, rec.Body.Bytes())
			if want == http.StatusNotAcceptable && (o["resourceType"] != "OperationOutcome" || dig(o, "issue", 0, "code") != issueNotSupported) {
				t.Errorf("Accept %q: %s", accept, rec.Body)
			}
		}
	}

	// A search parameter without a value: 400 naming it, for every type
	// that takes patient, and for the Patient's own parameters.
	for _, path := range []string{"/fhir/r4/Observation?patient=", "/fhir/r4/Observation?patient=&code=8867-4",
		"/fhir/r4/QuestionnaireResponse?patient=", "/fhir/r4/Encounter?subject=", "/fhir/r4/Patient?name="} {
		rec := f.do("assigned", http.MethodGet, path)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "has no value") {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}
