package fhir

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"doorway/internal/practice"
)

// A client's record exported as a FHIR Bundle of type collection: the
// client's right of access, downloaded from the portal (or by their care
// team for them), for another system to read. It holds exactly what
// Patient/$everything gathers, made by the same parts, so the export and
// the API never disagree; the pages call it through web.Config, and the
// use case (practice.ExportRecord) has decided access and recorded the
// export before a byte is written.
//
// A long record is streamed: the Bundle's opening is written first, then
// each resource is encoded and written as it is made, so the response
// begins at once and the server holds one resource's JSON at a time, not
// the whole document.

// WriteRecordBundle writes rec to w as a collection Bundle. base is the
// API's address (https://doorway.example.org/fhir/r4) for the entries'
// fullUrl and the instruments' canonical URLs; act is who asked.
func (a *API) WriteRecordBundle(w io.Writer, base string, act practice.Actor, rec practice.ClientRecords, at time.Time) error {
	base = strings.TrimRight(base, "/")
	ctx := context.WithValue(context.Background(), baseKey{}, base)
	c := &caller{P: act.P, Clinic: act.Clinic, actor: act}
	bw := bufio.NewWriterSize(w, 32<<10)
	head, err := json.Marshal(struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Timestamp    string `json:"timestamp"`
	}{"Bundle", "collection", at.UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	// The opening object without its closing brace, then the entries.
	bw.Write(head[:len(head)-1]) // #nosec G104 -- bufio.Writer keeps its first error, returned by Flush
	bw.WriteString(`,"entry":[`) // #nosec G104 -- bufio.Writer keeps its first error, returned by Flush
	enc := json.NewEncoder(bw)
	n := 0
	for _, part := range a.everything {
		for _, h := range part(ctx, c, rec) {
			if n > 0 {
				bw.WriteByte(',') // #nosec G104 -- bufio.Writer keeps its first error, returned by Flush
			}
			if err := enc.Encode(BundleEntry{FullURL: base + "/" + h.typ + "/" + h.id, Resource: h.resource}); err != nil {
				return err
			}
			n++
		}
	}
	bw.WriteString("]}\n") // #nosec G104 -- bufio.Writer keeps its first error, returned by Flush
	return bw.Flush()
}
