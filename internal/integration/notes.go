package integration

import (
	"strings"
	"unicode/utf8"

	"doorway/internal/problem"
)

// An integration session's note is written from a template: SOAP
// (subjective, objective, assessment, plan) or DAP (data, assessment,
// plan), the two structures therapists document sessions in. Each section
// is its own field, so the page, the PDF and the FHIR text show the same
// headings; a signed note keeps its sections, and a correction is an
// addendum with one section of its own.

// NoteSection is one heading of a note template.
type NoteSection struct {
	Key   string // stable: the stored note names its sections by it
	Title string
	Hint  string // what the section holds, shown under its heading
}

// NoteTemplate is a structure a note is written in.
type NoteTemplate struct {
	Key      string // "soap", "dap"; stored with the note
	Title    string
	Sections []NoteSection
}

// Template keys, as stored.
const (
	TemplateSOAP     = "soap"
	TemplateDAP      = "dap"
	TemplateAddendum = "addendum"
)

var (
	// SOAP separates what the client reports from what the therapist
	// observes.
	SOAP = NoteTemplate{Key: TemplateSOAP, Title: "SOAP", Sections: []NoteSection{
		{"subjective", "Subjective", "What the client reports: how the medicine session was for them, what has come up since, in their words."},
		{"objective", "Objective", "What you observe: presentation, affect, engagement; scores and practices where relevant."},
		{"assessment", "Assessment", "Your clinical impression: themes, progress toward goals, risk."},
		{"plan", "Plan", "Next steps: practices, the next session, anything to follow up."},
	}}
	// DAP folds the client's report and the therapist's observations into
	// one section of data.
	DAP = NoteTemplate{Key: TemplateDAP, Title: "DAP", Sections: []NoteSection{
		{"data", "Data", "What the client reports and what you observe in the session."},
		{"assessment", "Assessment", "Your clinical impression: themes, progress toward goals, risk."},
		{"plan", "Plan", "Next steps: practices, the next session, anything to follow up."},
	}}
	// Addendum is a correction of a signed note: one section.
	Addendum = NoteTemplate{Key: TemplateAddendum, Title: "Addendum", Sections: []NoteSection{
		{"addendum", "Addendum", "What the signed note should have said, or what has come to light since."},
	}}
)

// NoteTemplates are the templates a note is written from, in the order a
// page offers them.
func NoteTemplates() []NoteTemplate { return []NoteTemplate{SOAP, DAP} }

// TemplateByKey finds a template, the addendum's included.
func TemplateByKey(key string) (NoteTemplate, bool) {
	for _, t := range []NoteTemplate{SOAP, DAP, Addendum} {
		if t.Key == key {
			return t, true
		}
	}
	return NoteTemplate{}, false
}

// MaxNoteRunes is how long all of a note's sections together may be.
const MaxNoteRunes = 20000

// NoteSectionText is a section of a note with what was written in it.
type NoteSectionText struct {
	NoteSection
	Text string
}

// CheckNote tidies a note's sections as typed (keyed by section key) and
// checks them against the template: sections of another template are
// refused, an empty note is refused, and so is one over the limit. A
// section left empty is kept empty; a problem names the first section
// (field "section.<key>").
func CheckNote(t NoteTemplate, typed map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for k := range typed {
		if !t.has(k) {
			return nil, problem.Invalidf("template", "A %s note has no section %q.", t.Title, k)
		}
	}
	total := 0
	for _, s := range t.Sections {
		v := strings.TrimSpace(strings.ReplaceAll(typed[s.Key], "\r\n", "\n"))
		if err := problem.Prose("section."+s.Key, "The section "+s.Title, v, MaxNoteRunes); err != nil {
			return nil, err
		}
		total += utf8.RuneCountInString(v)
		if v != "" {
			out[s.Key] = v
		}
	}
	first := "section." + t.Sections[0].Key
	switch {
	case len(out) == 0 && t.Key == TemplateAddendum:
		return nil, problem.Invalidf(first, "Write the addendum before signing it.")
	case len(out) == 0:
		return nil, problem.Invalidf(first, "Write the note before signing it: every section is empty.")
	case total > MaxNoteRunes:
		return nil, problem.Invalidf(first, "The note is too long (%d characters at most, all sections together).", MaxNoteRunes)
	}
	return out, nil
}

func (t NoteTemplate) has(key string) bool {
	for _, s := range t.Sections {
		if s.Key == key {
			return true
		}
	}
	return false
}

// Filled is a note's sections in the template's order, with what was
// written in each; empty ones are left out.
func (t NoteTemplate) Filled(texts map[string]string) []NoteSectionText {
	var out []NoteSectionText
	for _, s := range t.Sections {
		if v := texts[s.Key]; v != "" {
			out = append(out, NoteSectionText{NoteSection: s, Text: v})
		}
	}
	return out
}

// PlainText is a note as plain text, each section under its heading: what
// a reader of the record (the FHIR attachment, a printout) sees.
func (t NoteTemplate) PlainText(texts map[string]string) string {
	var b strings.Builder
	for i, s := range t.Filled(texts) {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if t.Key != TemplateAddendum {
			b.WriteString(s.Title + ":\n")
		}
		b.WriteString(s.Text)
	}
	return b.String()
}
