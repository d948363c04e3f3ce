package practice

import (
	"context"
	"strconv"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// The admin's view of the audit log.

// AuditPage is one page of the log, newest first, with the names of the
// people in it.
type AuditPage struct {
	Entries []audit.Entry
	// Names are the clinic's user names by id; ClientNames its clients'
	// names by client id, to show and to filter by.
	Names       map[string]string
	ClientNames map[string]string
	// More is true when older entries follow this page.
	More bool
}

// AuditLog reads a page of the clinic's log through the filter (its
// ClinicID is the actor's, whatever it says); the read is itself recorded.
func (s *Service) AuditLog(ctx context.Context, a Actor, f store.AuditFilter) (AuditPage, error) {
	if err := s.allowClinic(ctx, a, op{}, access.AuditLog, access.Read); err != nil {
		return AuditPage{}, err
	}
	f.ClinicID = a.P.ClinicID
	if f.Limit <= 0 {
		f.Limit = 100
	}
	var p AuditPage
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if p.Entries, err = tx.AuditEntries(ctx, f); err != nil {
			return err
		}
		if p.Names, err = tx.StaffNames(ctx, a.P.ClinicID); err != nil {
			return err
		}
		clients, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: a.P.ClinicID, Limit: auditClientNames})
		p.ClientNames = map[string]string{}
		for _, c := range clients {
			p.ClientNames[c.ID] = c.DisplayName()
			// A client acts through their portal account: the log names
			// them, and the person filter offers them, as a client.
			if c.UserID != "" {
				p.Names[c.UserID] = c.DisplayName() + " (client)"
			}
		}
		return err
	})
	if err != nil {
		return p, err
	}
	p.More = len(p.Entries) == f.Limit
	return p, s.Record(ctx, a, audit.Entry{Action: "audit.read", ResourceType: "audit_log"})
}

// auditClientNames bounds the clients named on the audit page (and offered
// in its filter); an entry about a client beyond it shows the id alone.
const auditClientNames = 2000

// ExportAudit reads up to 10,000 entries through the filter for a CSV
// download, recorded as an export.
func (s *Service) ExportAudit(ctx context.Context, a Actor, f store.AuditFilter) ([]audit.Entry, error) {
	if err := s.allowClinic(ctx, a, op{}, access.AuditLog, access.Export); err != nil {
		return nil, err
	}
	f.ClinicID, f.Limit = a.P.ClinicID, 10000
	var out []audit.Entry
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { out, err = tx.AuditEntries(ctx, f); return err }); err != nil {
		return nil, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: "audit.export", ResourceType: "audit_log", Detail: strconv.Itoa(len(out)) + " entries"})
}

// AccessLog is the client's own accounting of access (SECURITY.md): the
// newest entries about their record, with the names of the people in them.
type AccessLog struct {
	Entries []audit.Entry
	Names   map[string]string
	// Emergency lists the times a clinician off the care team opened the
	// record by break-glass, with their reason, newest first.
	Emergency []store.BreakGlass
}

// MyAccessLog reads the signed-in client's accounting of access: up to
// limit of the newest entries about them.
func (s *Service) MyAccessLog(ctx context.Context, a Actor, limit int) (AccessLog, error) {
	var out AccessLog
	if !access.Allow(a.P, access.Read, access.Resource{Type: access.ClientRecord, ClinicID: a.P.ClinicID, ClientID: a.P.ClientID}) {
		return out, s.Deny(ctx, a, "client_record", a.P.ClientID, "not their record")
	}
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if out.Entries, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: a.P.ClinicID, ClientID: a.P.ClientID, Limit: limit}); err != nil {
			return err
		}
		if out.Emergency, err = tx.ClientBreakGlass(ctx, a.P.ClinicID, a.P.ClientID); err != nil {
			return err
		}
		out.Names, err = tx.StaffNames(ctx, a.P.ClinicID)
		return err
	})
	return out, err
}
