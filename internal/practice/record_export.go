package practice

import (
	"context"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// The client's right of access (HIPAA 45 CFR 164.524): their whole record
// to take away, as a FHIR Bundle for another system and as a PDF to read,
// from the portal; and the same, for a client in their scope, made by the
// care team or an admin who is asked for it.
//
// The record is what the FHIR API serves of the client (RecordsOf's parts,
// loaded by the same code as Patient/$everything, so the export and the API
// cannot disagree) and, for the PDF, the notes of their preparation
// sessions and their journal. Psychotherapy notes are a separate record
// that is never loaded here (SECURITY.md). The journal is the client's own:
// in the client's own export every entry is theirs to take; in one the
// care team makes, only the entries the client shares, as the care team
// reads them anyway. The Bundle carries no journal: CLINICAL.md §6 keeps
// journal entries out of FHIR, where they would reach every connected app.
//
// Each export is recorded as client.export before a byte is served, and
// shows on the client's "who has looked at my record" page, their own
// downloads included.

// Export formats, as the log names them.
const (
	ExportFHIR = "FHIR Bundle"
	ExportPDF  = "PDF"
)

// RecordExport is a client's record as exported.
type RecordExport struct {
	ClientRecords
	Clinic store.Clinic
	// PrepNotes are the notes of the client's preparation sessions, with
	// their addenda, oldest first (the PDF's).
	PrepNotes []store.PrepNote
	// Journal is the client's journal, oldest first: every entry in their
	// own export, the shared ones in one the care team makes.
	Journal []store.JournalEntry
	// OwnExport is true when the client made it themself.
	OwnExport bool
	Generated time.Time
}

var opRecordExport = op{action: "client.export"}

// ExportRecord loads a client's whole record for export in the format
// named (ExportFHIR or ExportPDF) and records the export. A client exports
// only their own; staff, a client in their scope. Anyone else is refused
// as if the client did not exist.
func (s *Service) ExportRecord(ctx context.Context, a Actor, clientID, format string) (RecordExport, error) {
	if a.P.Kind == access.Client {
		clientID = a.P.ClientID
	}
	out := RecordExport{OwnExport: a.P.Kind == access.Client, Generated: s.Now()}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opRecordExport, clientID, access.ClientRecord, access.Export)
		if err != nil {
			return err
		}
		if out.Clinic, err = tx.Clinic(ctx, ch.Client.ClinicID); err != nil {
			return err
		}
		if out.ClientRecords, err = s.loadRecords(ctx, tx, ch.Client, AllParts, newPartCache()); err != nil {
			return err
		}
		if format != ExportPDF {
			return nil
		}
		for _, co := range out.Courses {
			notes, err := tx.PrepNotes(ctx, co.ClinicID, co.ID)
			if err != nil {
				return err
			}
			out.PrepNotes = append(out.PrepNotes, notes...)
		}
		shared := access.Resource{Type: access.JournalEntry, ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, CareTeam: ch.Team, Shared: true}
		switch {
		case out.OwnExport:
			out.Journal, err = tx.JournalEntries(ctx, store.JournalFilter{ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID})
		case access.Allow(a.P, access.Read, shared):
			out.Journal, err = tx.JournalEntries(ctx, store.JournalFilter{ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, SharedOnly: true})
		}
		// Oldest first, as a record reads.
		for i, j := 0, len(out.Journal)-1; i < j; i, j = i+1, j-1 {
			out.Journal[i], out.Journal[j] = out.Journal[j], out.Journal[i]
		}
		return err
	})
	if err != nil {
		return RecordExport{}, err
	}
	c := out.Client
	return out, s.Record(ctx, a, audit.Entry{Action: opRecordExport.action, ResourceType: "client", ResourceID: c.ID, ClientID: c.ID,
		Detail: "full record as a " + format})
}
