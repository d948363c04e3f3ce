package practice

import (
	"context"
	"strconv"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The client's consent in their portal: the clinic's documents and where
// they stand on each, signing one, and withdrawing.

// ClientConsents are the clinic's current consent documents and the
// client's signatures, of any version, oldest first.
type ClientConsents struct {
	Documents  []store.ConsentDocument
	Signatures []store.ConsentSignature
}

// ConsentPage is one document as the client reads it, with their
// signatures.
type ConsentPage struct {
	Client     store.Client
	Document   store.ConsentDocument
	Signatures []store.ConsentSignature
	// Withdrawable: the client has a consent of this kind, of any version,
	// that they may withdraw.
	Withdrawable bool
}

// SignInput is a client's signature: the document's kind, the version
// they read, the name they typed and their ticked agreement.
type SignInput struct {
	Kind      string
	Version   int
	TypedName string
	Agreed    bool
}

var (
	opConsentList     = op{action: "consent.list"}
	opConsentRead     = op{action: "consent.read"}
	opConsentSign     = op{action: "consent.sign"}
	opConsentWithdraw = op{action: "consent.withdraw"}
)

// notFoundDocument is what a client is told of a document that is not there.
const notFoundDocument = "That document was not found."

// Consents lists where the signed-in client stands on each of the clinic's
// current documents; the listing is recorded.
func (s *Service) Consents(ctx context.Context, a Actor) (ClientConsents, error) {
	var out ClientConsents
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opConsentList, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		out, err = consentsOf(ctx, tx, ch.Client)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opConsentList.action, ResourceType: "consent", ClientID: a.P.ClientID})
}

// consentsOf reads the clinic's current documents and the client's
// signatures.
func consentsOf(ctx context.Context, tx *store.Tx, c store.Client) (ClientConsents, error) {
	var out ClientConsents
	var err error
	if out.Documents, err = tx.CurrentConsentDocuments(ctx, c.ClinicID); err != nil {
		return out, err
	}
	out.Signatures, err = tx.ConsentSignatures(ctx, c.ClinicID, c.ID)
	return out, err
}

// ConsentDocument is the current version of one of the clinic's documents
// for the signed-in client to read and sign; a kind the clinic has not is
// refused as absent. The reading is recorded with its version.
func (s *Service) ConsentDocument(ctx context.Context, a Actor, kind string) (ConsentPage, error) {
	var out ConsentPage
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opConsentRead, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		out.Client = ch.Client
		out.Document, err = tx.CurrentConsentDocument(ctx, ch.Client.ClinicID, kind)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opConsentRead, "consent_document", kind, "no such record", notFoundDocument)
		}
		if err != nil {
			return err
		}
		if out.Signatures, err = tx.ConsentSignatures(ctx, ch.Client.ClinicID, ch.Client.ID); err != nil {
			return err
		}
		_, out.Withdrawable = activeSignature(out.Signatures, kind)
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opConsentRead.action, ResourceType: "consent_document", ResourceID: out.Document.Kind,
		ClientID: out.Client.ID, Detail: "version " + strconv.Itoa(out.Document.Version)})
}

// SignConsent records the signed-in client's signature on the current
// version of a document, with the address it came from. A version other
// than the one they read is refused, so nobody signs a text they have not
// seen.
func (s *Service) SignConsent(ctx context.Context, a Actor, in SignInput) (store.ConsentSignature, error) {
	sig := store.ConsentSignature{Kind: in.Kind, TypedName: in.TypedName, Agreed: in.Agreed, SignedAt: s.Now(), IP: a.IP}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opConsentSign, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		sig.ClinicID, sig.ClientID = ch.Client.ClinicID, ch.Client.ID
		recorded, err := tx.SignConsent(ctx, &sig, in.Version)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opConsentSign, "consent_document", in.Kind, "no such record", notFoundDocument)
		}
		if err != nil {
			return err
		}
		e := audit.Entry{Action: opConsentSign.action, ResourceType: "consent_signature", ResourceID: sig.ID,
			ClientID: sig.ClientID, Severity: audit.High, Detail: sig.Kind + " version " + strconv.Itoa(sig.Version)}
		if !recorded {
			// A second submission of a signature that counts: one
			// signature stands, and the log says the repeat changed nothing.
			e.Severity, e.Detail = audit.Info, e.Detail+" already signed; nothing new recorded"
		}
		return s.appendTx(ctx, tx, a, e)
	})
	return sig, err
}

// WithdrawConsent withdraws the signed-in client's consent of a kind,
// whatever version they signed, with their reason.
func (s *Service) WithdrawConsent(ctx context.Context, a Actor, kind, reason string) (store.ConsentSignature, error) {
	var sig store.ConsentSignature
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opConsentWithdraw, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		sigs, err := tx.ConsentSignatures(ctx, ch.Client.ClinicID, ch.Client.ID)
		if err != nil {
			return err
		}
		var ok bool
		if sig, ok = activeSignature(sigs, kind); !ok {
			return problem.New(problem.Conflict, "There is no signed consent to withdraw.")
		}
		voided, err := tx.WithdrawConsent(ctx, ch.Client.ClinicID, ch.Client.ID, sig.ID, reason, now)
		if err != nil {
			return err
		}
		detail := kind + " version " + strconv.Itoa(sig.Version)
		if voided > 1 {
			detail += "; voids " + strconv.Itoa(voided) + " signatures of it"
		}
		// Withdrawing the couples consent is leaving couples work: the
		// couple ends for both partners (couples.go).
		if kind == care.ConsentCouples {
			if err := s.leaveCouplesTx(ctx, tx, a, ch); err != nil {
				return err
			}
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opConsentWithdraw.action, ResourceType: "consent_signature", ResourceID: sig.ID,
			ClientID: ch.Client.ID, Severity: audit.High, Detail: detail})
	})
	return sig, err
}

// activeSignature is the client's newest signature on a document kind that
// is not withdrawn, whatever its version: consent to an older version can
// still be withdrawn.
func activeSignature(sigs []store.ConsentSignature, kind string) (store.ConsentSignature, bool) {
	var out store.ConsentSignature
	found := false
	for _, sg := range sigs {
		if sg.Kind == kind && sg.WithdrawnAt == nil {
			out, found = sg, true
		}
	}
	return out, found
}
