package practice_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestPsychotherapyNotesStayApart holds HIPAA's separation in the code's
// structure: psychotherapy notes are read through one chain only, the
// store's author-bound statements, called by the psychotherapy-note use
// cases, called by the author's own pages (the demo's seed only writes
// them). No other file of Doorway (an export, a report, the FHIR API,
// search, a job) names the table, the store's calls or the use cases, so
// none can serve a note, whatever its access checks say.
func TestPsychotherapyNotesStayApart(t *testing.T) {
	allowed := map[string][]string{
		// The table's SQL and the notes' type.
		"internal/store/psychotherapy_notes.go": {"sql", "read", "write", "type"},
		// The use cases: the store's calls, and the type they return.
		"internal/practice/psychotherapy_notes.go": {"read", "write", "type"},
		// The author's pages: the use cases, and the type they render.
		"internal/web/psychotherapy_notes.go": {"usecase", "type"},
		// The demo writes Sam's notes, and reads none.
		"internal/demo/integration.go": {"write", "type"},
	}
	kinds := map[string]string{
		"AddPsychotherapyNote": "write", "UpdatePsychotherapyNote": "write", "PsychotherapyNotesBy": "read", "PsychotherapyNoteBy": "read",
		"MyPsychotherapyNotes": "usecase", "MyPsychotherapyNote": "usecase", "WritePsychotherapyNote": "usecase",
		"PsychotherapyNote": "type", "PsychotherapyNotes": "type",
	}
	root := "../.." // the module: internal/ and cmd/
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		may := func(kind string) bool {
			for _, k := range allowed[rel] {
				if k == kind {
					return true
				}
			}
			return false
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				// (A generated template names its source file, .templ.)
				table := strings.ReplaceAll(n.Value, "psychotherapy_notes.templ", "")
				if n.Kind == token.STRING && strings.Contains(table, "psychotherapy_notes") && !may("sql") {
					t.Errorf("%s names the psychotherapy_notes table", rel)
				}
			case *ast.SelectorExpr:
				// access.PsychotherapyNote is the access decision's type,
				// not the notes: asking about them is allowed anywhere.
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "access" {
					return true
				}
				if kind, ok := kinds[n.Sel.Name]; ok && !may(kind) {
					t.Errorf("%s reaches psychotherapy notes (%s): only their author's own chain may", rel, n.Sel.Name)
				}
			case *ast.FuncDecl:
				if kind, ok := kinds[n.Name.Name]; ok && !may(kind) && !may("read") {
					t.Errorf("%s declares %s", rel, n.Name.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d files checked: the walk did not find the code", checked)
	}
}
