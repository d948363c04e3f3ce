// Package pdftest reads the text of the PDFs Doorway makes back with
// poppler's pdftotext, for the tests of export, web and the browser tests,
// so each checks what a reader of the file would see.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tool finds one of poppler's tools. Where it is missing the test skips,
// saying why, as the browser tests do without Chromium; under CI=true that
// is a failure.
func Tool(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (poppler-utils) is not installed; CI must check the PDF's text", name)
		}
		t.Skipf("%s (poppler-utils) is not installed; the PDF's text cannot be checked", name)
	}
	return bin
}

// Pages is the text of each page of a PDF as pdftotext reads it, with
// runs of spaces and line breaks made one space, to look for phrases.
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	bin := Tool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", in, "-").Output() // #nosec G204 -- a test helper: bin is pdftotext found on PATH, in is a file the test wrote
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}
