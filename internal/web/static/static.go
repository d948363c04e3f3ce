// Package static embeds the CSS, scripts and images and serves them under
// content-hashed names, so a browser may cache them forever and a new release
// is picked up at once.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed files
var files embed.FS

type asset struct {
	body  []byte
	ctype string
}

var (
	byHashed = map[string]asset{}  // "app.1a2b3c4d5e.css" -> asset
	urls     = map[string]string{} // "app.css" -> "/static/app.1a2b3c4d5e.css"
)

func init() {
	fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error { // #nosec G104 -- the embedded files cannot fail to walk; a missing one fails the tests that load it
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "files/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		byHashed[hashed] = asset{body: body, ctype: mime.TypeByExtension(ext)}
		urls[name] = "/static/" + hashed
		return nil
	})
}

// URL returns the content-hashed path of an embedded file, such as
// "/static/app.1a2b3c4d5e.css" for "app.css". It panics on a name that is not
// embedded, which a test that renders every page catches.
func URL(name string) string {
	u, ok := urls[name]
	if !ok {
		panic("static: no embedded file " + name)
	}
	return u
}

// Handler serves /static/{name}.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byHashed[strings.TrimPrefix(r.URL.Path, "/static/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if a.ctype != "" {
			w.Header().Set("Content-Type", a.ctype)
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(a.body) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
	})
}
