package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaPath is the FHIR R4 JSON schema beside the project (CONTRACT.md).
const schemaPath = "../../../shared/fhir/fhir.schema.json"

var (
	schemaOnce    sync.Once
	schemaWarning sync.Once
	fhirSchema    *jsonschema.Schema
	schemaErr     error
)

// loadSchema compiles the schema once per test binary: it is about 3 MB and
// takes a second. It returns nil when the file is absent outside CI.
func loadSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		f, err := os.Open(schemaPath)
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft6)
		// The schema's draft-04 style "id" is not an identifier in draft-06,
		// so any address will do; this one is never fetched.
		const url = "http://hl7.org/fhir/json-schema/4.0"
		if schemaErr = c.AddResource(url, doc); schemaErr != nil {
			return
		}
		fhirSchema, schemaErr = c.Compile(url)
	})
	if errors.Is(schemaErr, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but the FHIR schema is missing at %s: every resource must be validated", schemaPath)
		}
		// Outside CI the API's tests still run, but say, once and where
		// it is seen without -v, that nothing they emit is being validated.
		schemaWarning.Do(func() {
			fmt.Fprintf(os.Stderr, "WARNING: the FHIR R4 schema is missing at %s, so these tests do not validate what the API emits; CI=true makes this a failure\n", schemaPath)
		})
		return nil
	}
	if schemaErr != nil {
		t.Fatalf("compile FHIR schema: %v", schemaErr)
	}
	return fhirSchema
}

// validateFHIR checks that body is one FHIR R4 resource.
func validateFHIR(body []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	return fhirSchema.Validate(inst)
}

// mustFHIR validates a response body against the schema (when it is
// available) and decodes it.
func mustFHIR(t testing.TB, body []byte) map[string]any {
	t.Helper()
	if loadSchema(t) != nil {
		if err := validateFHIR(body); err != nil {
			t.Fatalf("response is not valid FHIR R4: %v\n%s", err, body)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return m
}

// TestSchemaRejectsBrokenResources proves the validator is not a rubber
// stamp: if it passed everything, every other test's validation would mean
// nothing.
func TestSchemaRejectsBrokenResources(t *testing.T) {
	if loadSchema(t) == nil {
		t.Skipf("FHIR schema not found at %s (beside the project); resources are not validated in this run", schemaPath)
	}
	good := `{"resourceType":"Patient","id":"abc","name":[{"family":"Doe","given":["Jo"]}],"birthDate":"1980-04-23"}`
	if err := validateFHIR([]byte(good)); err != nil {
		t.Fatalf("a valid Patient was rejected: %v", err)
	}
	bad := map[string]string{
		"gender as a number":   `{"resourceType":"Patient","id":"abc","gender":5}`,
		"unknown field":        `{"resourceType":"Patient","id":"abc","favouriteColour":"teal"}`,
		"malformed birthDate":  `{"resourceType":"Patient","id":"abc","birthDate":"23/04/1980"}`,
		"unknown resourceType": `{"resourceType":"Patience","id":"abc"}`,
		"bad issue code":       `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"oops"}]}`,
		"broken Patient inside a Bundle": `{"resourceType":"Bundle","type":"searchset",
			"entry":[{"resource":{"resourceType":"Patient","id":"abc","gender":5}}]}`,
	}
	for name, doc := range bad {
		if err := validateFHIR([]byte(doc)); err == nil {
			t.Errorf("%s: the schema accepted %s", name, strings.Join(strings.Fields(doc), " "))
		}
	}
}
