// Command vulndb builds an offline Go vulnerability database, in the v1
// layout govulncheck reads with -db file:///DIR, from the OSV entries the
// golang.org/x/vulndb module holds (data/osv/GO-*.json). CI checks the
// build against it because the public database cannot be reached from
// there; the module's version pins what was known when it was taken.
//
//	go run ./tools/vulndb -osv "$(go mod download -json golang.org/x/vulndb@VERSION | ...)/data/osv" -out DIR
//
// It writes index/db.json, index/modules.json, index/vulns.json and
// ID/<id>.json. Each module's entries are listed without their "fixed"
// version, which the layout makes optional: govulncheck then reads every
// entry for a module it finds and judges the version ranges itself, so
// nothing here has to compare versions.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// entry is what the index needs of an OSV entry; the entry itself is
// copied as it is.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
}

type module struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

func main() {
	osvDir := flag.String("osv", "", "the vulndb module's data/osv directory")
	out := flag.String("out", "", "where to write the database (made if missing)")
	flag.Parse()
	if *osvDir == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: vulndb -osv DIR -out DIR")
		os.Exit(2)
	}
	n, err := build(*osvDir, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
	fmt.Printf("vulndb: %d entries written to %s\n", n, *out)
}

// build reads every entry in osvDir and writes the database to out. An
// entry that cannot be read fails the whole build: a database quietly
// missing entries would pass code it should not.
func build(osvDir, out string) (int, error) {
	files, err := filepath.Glob(filepath.Join(osvDir, "GO-*.json"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no GO-*.json entries in %s", osvDir)
	}
	for _, dir := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(out, dir), 0o750); err != nil {
			return 0, err
		}
	}
	modules := map[string]*module{}
	var vulns []vuln
	var newest time.Time
	for _, f := range files {
		raw, err := os.ReadFile(f) // #nosec G304 -- the files are the ones globbed from the directory given on the command line
		if err != nil {
			return 0, err
		}
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return 0, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		if e.ID == "" || e.ID+".json" != filepath.Base(f) || strings.ContainsAny(e.ID, `/\`) {
			return 0, fmt.Errorf("%s: its id is %q", filepath.Base(f), e.ID)
		}
		if e.Modified.After(newest) {
			newest = e.Modified
		}
		vulns = append(vulns, vuln{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases})
		seen := map[string]bool{}
		for _, a := range e.Affected {
			path := a.Package.Name
			if path == "" || seen[path] {
				continue
			}
			seen[path] = true
			m := modules[path]
			if m == nil {
				m = &module{Path: path}
				modules[path] = m
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified})
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), raw, 0o600); err != nil { // #nosec G703 -- e.ID is checked above to be the file's own name, with no path separator
			return 0, err
		}
	}
	list := make([]*module, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	for name, v := range map[string]any{"db.json": map[string]time.Time{"modified": newest}, "modules.json": list, "vulns.json": vulns} {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(out, "index", name), b, 0o600); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}
