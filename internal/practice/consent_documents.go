package practice

import (
	"context"
	"strconv"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// The clinic's consent documents: each edit publishes a new version, and
// clients sign the version they read.

// ConsentLibrary is the clinic's current documents with how many
// signatures each version holds, by document id.
type ConsentLibrary struct {
	Documents []store.ConsentDocument
	Signed    map[string]int
}

// ConsentDocumentInput is a document as an admin edits it; the kind names
// the document across its versions (a new kind is a new document).
type ConsentDocumentInput struct {
	Kind, Title, Body string
	Required          bool
}

var (
	opConsentDocuments = op{action: "consent_document.read"}
	opConsentPublish   = op{action: "consent_document.publish"}
)

// ConsentDocuments is the clinic's current documents, for its admins.
func (s *Service) ConsentDocuments(ctx context.Context, a Actor) (ConsentLibrary, error) {
	var out ConsentLibrary
	err := s.read(ctx, a, func(tx *store.Tx) error {
		if err := s.clinicWide(a, opConsentDocuments, access.ClinicSettings, access.Read, string(access.ClinicSettings), ""); err != nil {
			return err
		}
		var err error
		if out.Documents, err = tx.CurrentConsentDocuments(ctx, a.P.ClinicID); err != nil {
			return err
		}
		out.Signed, err = tx.SignatureCounts(ctx, a.P.ClinicID)
		return err
	})
	return out, err
}

// SaveConsentDocument publishes a new version of a document; signatures on
// earlier versions stay as they were, and clients are asked to sign the
// new one.
func (s *Service) SaveConsentDocument(ctx context.Context, a Actor, in ConsentDocumentInput) (store.ConsentDocument, error) {
	d := store.ConsentDocument{ClinicID: a.P.ClinicID, Kind: in.Kind, Title: in.Title, Body: in.Body, Required: in.Required,
		PublishedAt: s.Now(), CreatedBy: a.P.UserID}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		if err := s.clinicWide(a, opConsentPublish, access.ClinicSettings, access.Write, string(access.ClinicSettings), ""); err != nil {
			return err
		}
		if err := tx.PublishConsentDocument(ctx, &d); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opConsentPublish.action, ResourceType: "consent_document", ResourceID: d.ID,
			Severity: audit.High, Detail: d.Kind + " version " + strconv.Itoa(d.Version)})
	})
	return d, err
}
