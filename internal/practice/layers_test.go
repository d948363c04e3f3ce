package practice_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAdaptersGoThroughTheUseCases holds the application layer's promise
// in the structure rather than in the route tests alone: no file of the
// pages (internal/web) or the FHIR API (internal/fhir) can touch the store
// or the audit log, or decide access itself. They hold no *store.Store and
// no *store.Tx, never call access.Allow, and build no audit.Entry; every one
// of those lives in a use case here.
func TestAdaptersGoThroughTheUseCases(t *testing.T) {
	for _, dir := range []string{"../web", "../web/view", "../fhir"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				switch pkg.Name + "." + sel.Sel.Name {
				case "store.Store", "store.Tx":
					t.Errorf("%s holds a %s.%s: the adapters reach data only through internal/practice", path, pkg.Name, sel.Sel.Name)
				case "access.Allow":
					t.Errorf("%s calls access.Allow: the use case asks access itself", path)
				}
				return true
			})
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.CompositeLit); ok {
					if sel, ok := lit.Type.(*ast.SelectorExpr); ok {
						if id, ok := sel.X.(*ast.Ident); ok && id.Name == "audit" && sel.Sel.Name == "Entry" {
							t.Errorf("%s builds an audit.Entry: the use case records what it does", path)
						}
					}
				}
				return true
			})
		}
	}
}

// TestPackageLayers reads the import graph with `go list` and holds it to
// the architecture: no package imports upwards. The pure packages import no
// I/O and none of Doorway's other layers; the store knows nothing of the use
// cases or the adapters; the use cases know nothing of the adapters.
func TestPackageLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "doorway/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pure := []string{"access", "audit", "calendar", "care", "integration", "intake", "markdown", "measures", "problem", "screening", "seal", "session", "timefmt", "workbook"}
	// below lists, for a layer, the packages of Doorway it may import.
	below := map[string][]string{
		"store":    append([]string{"auth"}, pure...),
		"practice": append([]string{"auth", "store", "mail", "export", "jobs"}, pure...),
		"web":      append([]string{"auth", "store", "practice", "mail", "export", "web/view", "web/static"}, pure...),
		"fhir":     append([]string{"auth", "store", "practice", "export"}, pure...),
	}
	for _, p := range pure {
		below[p] = pure
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var pkg struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&pkg); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(pkg.ImportPath, "doorway/internal/")
		allowed, ruled := below[name]
		if !ruled {
			continue
		}
		seen++
		for _, imp := range pkg.Imports {
			dep, ours := strings.CutPrefix(imp, "doorway/internal/")
			if !ours {
				if slices.Contains(pure, name) && (imp == "database/sql" || imp == "net/http" || imp == "os") {
					t.Errorf("the pure package %s imports %s", name, imp)
				}
				continue
			}
			if dep != name && !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s, which is not below it", name, dep)
			}
		}
	}
	if seen < len(below) {
		t.Errorf("go list showed %d of the %d layered packages", seen, len(below))
	}
}
