package app

import (
	"runtime/debug"
	"strings"
)

// Version is set at build time with
// -ldflags "-X doorway/internal/app.Version=v1.2.3"; otherwise the module
// version or VCS revision recorded by the Go toolchain stands in.
var Version = ""

// VersionString is what `doorway version` prints.
func VersionString() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	v := info.Main.Version
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return "(devel) " + rev + modified
	}
	if v == "" {
		v = "(devel)"
	}
	return strings.TrimSpace(v)
}
