package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// ConsentDocument is one published version of a clinic's consent document.
// Versions are rows of their own and never change once published.
type ConsentDocument struct {
	ID          string
	ClinicID    string
	Kind        string // stable across versions: "kap", "couples", or the clinic's own
	Title       string
	Version     int
	Body        string
	Required    bool
	PublishedAt time.Time
	CreatedBy   string
}

// ConsentSignature is a client's signature on one version of a document.
type ConsentSignature struct {
	ID              string
	ClinicID        string
	ClientID        string
	DocumentID      string
	Kind            string // the document's kind, filled when read
	Version         int
	TypedName       string
	Agreed          bool
	SignedAt        time.Time
	IP              string
	WithdrawnAt     *time.Time
	WithdrawnReason string
}

const consentDocCols = `id, clinic_id, kind, title, version, body, required, published_at, created_by`

func scanConsentDoc(sc interface{ Scan(...any) error }) (ConsentDocument, error) {
	var d ConsentDocument
	var req int
	err := sc.Scan(&d.ID, &d.ClinicID, &d.Kind, &d.Title, &d.Version, &d.Body, &req, &d.PublishedAt, &d.CreatedBy)
	d.Required = req == 1
	d.PublishedAt = d.PublishedAt.UTC()
	return d, err
}

// EnsureConsentDocuments publishes the default documents (care.DefaultConsents)
// for a clinic that has none yet. Writes that need a document row (a
// signature, an admin's new version) call it first; reads show the defaults
// unpublished (defaultConsents) until then, so a GET never writes.
func (t *Tx) EnsureConsentDocuments(ctx context.Context, clinicID string, now time.Time) error {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM consent_documents WHERE clinic_id = ?`, clinicID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	// Two first writes at once (two clients' first signatures) both find
	// none; the second's rows are the same defaults, so it leaves the
	// first's in place rather than failing on them.
	for _, d := range defaultConsents(clinicID) {
		d.ID, d.PublishedAt = auth.NewID(), now
		if _, err := t.exec(ctx, `INSERT INTO consent_documents (`+consentDocCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (clinic_id, kind, version) DO NOTHING`,
			d.ID, d.ClinicID, d.Kind, d.Title, d.Version, d.Body, b2i(d.Required), d.PublishedAt, d.CreatedBy); err != nil {
			return err
		}
	}
	return nil
}

// defaultConsents are the defaults as a clinic without documents sees them:
// version 1, not yet stored (no ID).
func defaultConsents(clinicID string) []ConsentDocument {
	var out []ConsentDocument
	for _, c := range care.DefaultConsents() {
		out = append(out, ConsentDocument{ClinicID: clinicID, Kind: c.Kind, Title: c.Title, Version: 1, Body: c.Body, Required: c.Required})
	}
	return out
}

// PublishConsentDocument publishes d as the next version of its kind (the
// first if the kind is new). Earlier versions stay as they were, and so do
// the signatures on them.
func (t *Tx) PublishConsentDocument(ctx context.Context, d *ConsentDocument) error {
	d.Kind = strings.TrimSpace(d.Kind)
	d.Title = strings.TrimSpace(d.Title)
	d.Body = strings.TrimSpace(strings.ReplaceAll(d.Body, "\r\n", "\n"))
	switch {
	case !validKind(d.Kind):
		return problem.Invalidf("kind", "A document's short name may use lower-case letters, digits and hyphens only.")
	case d.Title == "":
		return problem.Invalidf("title", "The document needs a title.")
	case len(d.Title) > 200:
		return problem.Invalidf("title", "Keep the title under 200 characters.")
	case problem.Line("title", "", d.Title, 200) != nil:
		return problem.Line("title", "The title", d.Title, 200)
	case problem.Prose("body", "", d.Body, 60000) != nil:
		return problem.Prose("body", "The document", d.Body, 60000)
	case len(d.Body) < 20:
		return problem.Invalidf("body", "The document needs its full text.")
	case len(d.Body) > 60000:
		return problem.Invalidf("body", "The document is too long (60,000 characters at most).")
	}
	if err := t.EnsureConsentDocuments(ctx, d.ClinicID, d.PublishedAt); err != nil {
		return err
	}
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM consent_documents WHERE clinic_id = ? AND kind = ?`,
		d.ClinicID, d.Kind).Scan(&d.Version); err != nil {
		return err
	}
	return t.insertConsentDocument(ctx, d)
}

func (t *Tx) insertConsentDocument(ctx context.Context, d *ConsentDocument) error {
	if d.ID == "" {
		d.ID = auth.NewID()
	}
	_, err := t.exec(ctx, `INSERT INTO consent_documents (`+consentDocCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.ClinicID, d.Kind, d.Title, d.Version, d.Body, b2i(d.Required), d.PublishedAt, d.CreatedBy)
	if isUniqueViolation(err) {
		return problem.New(problem.Conflict, "Someone published a new version of this document at the same moment; please reload and try again.")
	}
	return err
}

func validKind(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// CurrentConsentDocuments is the newest version of each of a clinic's
// documents, required ones first, then by title.
func (t *Tx) CurrentConsentDocuments(ctx context.Context, clinicID string) ([]ConsentDocument, error) {
	rows, err := t.query(ctx, `SELECT `+consentDocCols+` FROM consent_documents d
		WHERE clinic_id = ? AND version = (SELECT MAX(version) FROM consent_documents x WHERE x.clinic_id = d.clinic_id AND x.kind = d.kind)
		ORDER BY required DESC, title, kind`, clinicID)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(d *ConsentDocument) (err error) { *d, err = scanConsentDoc(rows); return err })
	if err == nil && len(out) == 0 {
		return defaultConsents(clinicID), nil
	}
	return out, err
}

// CurrentConsentDocument is the newest version of one kind.
func (t *Tx) CurrentConsentDocument(ctx context.Context, clinicID, kind string) (ConsentDocument, error) {
	docs, err := t.CurrentConsentDocuments(ctx, clinicID)
	if err != nil {
		return ConsentDocument{}, err
	}
	for _, d := range docs {
		if d.Kind == kind {
			return d, nil
		}
	}
	return ConsentDocument{}, problem.New(problem.NotFound, "The consent document was not found.")
}

// ConsentDocumentByID loads one version of a document.
func (t *Tx) ConsentDocumentByID(ctx context.Context, clinicID, id string) (ConsentDocument, error) {
	d, err := scanConsentDoc(t.queryRow(ctx, `SELECT `+consentDocCols+` FROM consent_documents WHERE clinic_id = ? AND id = ?`, clinicID, id))
	return d, notFound(err, "The consent document")
}

func withdrawBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "consent_signatures", Column: "withdrawn_reason", RowID: id}
}

// SignConsent records a client's signature on the current version of the
// document of kind s.Kind. readVersion is the version the client was shown:
// if a newer one was published meanwhile, they must read that first. The
// caller fills ClinicID, ClientID, Kind, TypedName, Agreed, SignedAt and IP;
// the document and version are the store's, never the caller's.
//
// A version is signed once (CLINICAL.md §3): when the client already has a
// signature of it that counts (care.AlreadySigned), nothing is written, s
// becomes that signature and recorded is false. A double submit, a second
// tab or a second server signing at the same moment records one signature:
// the unique index over the signatures that count lets one insert through,
// and the other finds it.
func (t *Tx) SignConsent(ctx context.Context, s *ConsentSignature, readVersion int) (recorded bool, err error) {
	if err := t.EnsureConsentDocuments(ctx, s.ClinicID, s.SignedAt); err != nil {
		return false, err
	}
	cur, err := t.CurrentConsentDocument(ctx, s.ClinicID, s.Kind)
	if err != nil {
		return false, err
	}
	s.TypedName = strings.Join(strings.Fields(s.TypedName), " ")
	switch {
	case cur.Version != readVersion:
		return false, problem.Invalidf("document", "This document has been updated since you opened it; please read version %d and sign that.", cur.Version)
	case s.TypedName == "":
		return false, problem.Invalidf("typed_name", "Type your full name to sign.")
	case len(s.TypedName) > 200:
		return false, problem.Invalidf("typed_name", "That name is too long.")
	case problem.Line("typed_name", "", s.TypedName, 200) != nil:
		return false, problem.Line("typed_name", "The name you typed", s.TypedName, 200)
	case !s.Agreed:
		return false, problem.Invalidf("agreed", "Tick the box to say that you have read and agree to this document.")
	}
	sigs, err := t.careSignatures(ctx, `s.clinic_id = ? AND s.client_id = ? AND d.kind = ?`, s.ClinicID, s.ClientID, cur.Kind)
	if err != nil {
		return false, err
	}
	if care.AlreadySigned(sigs, cur.Kind, cur.Version) {
		return false, t.liveSignature(ctx, s, cur)
	}
	if s.ID == "" {
		s.ID = auth.NewID()
	}
	s.DocumentID, s.Version = cur.ID, cur.Version
	res, err := t.exec(ctx, `INSERT INTO consent_signatures (id, clinic_id, client_id, document_id, version, typed_name, agreed, signed_at, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		s.ID, s.ClinicID, s.ClientID, s.DocumentID, s.Version, s.TypedName, b2i(s.Agreed), s.SignedAt, s.IP)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	// Another transaction signed the same version first and has committed.
	return false, t.liveSignature(ctx, s, cur)
}

// liveSignature fills s with the client's signature of this version of the
// document that counts.
func (t *Tx) liveSignature(ctx context.Context, s *ConsentSignature, doc ConsentDocument) error {
	sigs, err := t.signatures(ctx, `s.clinic_id = ? AND s.client_id = ? AND s.document_id = ? AND s.withdrawn_at IS NULL`, s.ClinicID, s.ClientID, doc.ID)
	if err != nil {
		return err
	}
	if len(sigs) == 0 {
		return problem.New(problem.Conflict, "Your signature could not be recorded; please try again.")
	}
	*s = sigs[0]
	return nil
}

// WithdrawConsent withdraws a client's consent with one of their
// signatures. Consent is withdrawn as a whole (CLINICAL.md §3): every
// signature of that document, of any version, made up to the withdrawal is
// marked withdrawn in this transaction (care.Voids), so no twin of a double
// submit goes on counting. The reason is the client's own words, sealed to
// each signature it is given on. It returns how many signatures it voided.
func (t *Tx) WithdrawConsent(ctx context.Context, clinicID, clientID, signatureID, reason string, at time.Time) (int, error) {
	reason = strings.TrimSpace(reason)
	if len(reason) > 2000 {
		return 0, problem.Invalidf("reason", "Please keep the reason under 2,000 characters.")
	}
	if err := problem.Prose("reason", "The reason", reason, 2000); err != nil {
		return 0, err
	}
	none := problem.New(problem.NotFound, "There is no signed consent to withdraw.")
	pressed, err := t.signatures(ctx, `s.clinic_id = ? AND s.client_id = ? AND s.id = ? AND s.withdrawn_at IS NULL`, clinicID, clientID, signatureID)
	if err != nil {
		return 0, err
	}
	if len(pressed) == 0 {
		return 0, none
	}
	kind := pressed[0].Kind
	sigs, err := t.careSignatures(ctx, `s.clinic_id = ? AND s.client_id = ? AND d.kind = ?`, clinicID, clientID, kind)
	if err != nil {
		return 0, err
	}
	voids := care.Voids(sigs, kind, at)
	if !slices.ContainsFunc(voids, func(sig care.Signature) bool { return sig.ID == signatureID }) {
		// The signature pressed is withdrawn whatever its time says.
		voids = append(voids, care.Signature{ID: signatureID})
	}
	for _, sig := range voids {
		sealed, err := t.sealText(ctx, withdrawBinding(clinicID, sig.ID), reason)
		if err != nil {
			return 0, err
		}
		res, err := t.exec(ctx, `UPDATE consent_signatures SET withdrawn_at = ?, withdrawn_reason = ?
			WHERE clinic_id = ? AND client_id = ? AND id = ? AND withdrawn_at IS NULL`, at, sealed, clinicID, clientID, sig.ID)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, problem.New(problem.Conflict, "Your consent changed while you were withdrawing it; please reload and try again.")
		}
	}
	return len(voids), nil
}

// careSignatures are the signatures matching where (on s, and d for the
// document) as the gates and the consent rules read them: the document
// named by its kind, which stays the same from version to version.
func (t *Tx) careSignatures(ctx context.Context, where string, args ...any) ([]care.Signature, error) {
	by, err := t.careSignaturesByClient(ctx, where, args...)
	var sigs []care.Signature
	for _, s := range by {
		sigs = append(sigs, s...)
	}
	return sigs, err
}

// careSignaturesByClient is careSignatures for several clients at once, by
// client id (where may select more than one).
func (t *Tx) careSignaturesByClient(ctx context.Context, where string, args ...any) (map[string][]care.Signature, error) {
	rows, err := t.query(ctx, `SELECT s.client_id, s.id, d.kind, s.version, s.signed_at, s.withdrawn_at FROM consent_signatures s
		JOIN consent_documents d ON d.id = s.document_id WHERE `+where+` ORDER BY s.signed_at, s.id`, args...)
	if err != nil {
		return nil, err
	}
	out := map[string][]care.Signature{}
	err = eachRow(rows, func() error {
		var client string
		var s care.Signature
		var withdrawn sql.NullTime
		if err := rows.Scan(&client, &s.ID, &s.DocumentID, &s.Version, &s.At, &withdrawn); err != nil {
			return err
		}
		s.At, s.Withdrawn = s.At.UTC(), withdrawn.Valid
		if withdrawn.Valid {
			s.WithdrawnAt = withdrawn.Time.UTC()
		}
		out[client] = append(out[client], s)
		return nil
	})
	return out, err
}

// ConsentSignatures lists every signature a client has given, oldest first,
// with the document's kind and the withdrawal reason opened.
func (t *Tx) ConsentSignatures(ctx context.Context, clinicID, clientID string) ([]ConsentSignature, error) {
	return t.signatures(ctx, `s.clinic_id = ? AND s.client_id = ?`, clinicID, clientID)
}

// ConsentSignature loads one signature of a clinic by its id alone.
func (t *Tx) ConsentSignature(ctx context.Context, clinicID, id string) (ConsentSignature, error) {
	sigs, err := t.signatures(ctx, `s.clinic_id = ? AND s.id = ?`, clinicID, id)
	if err != nil {
		return ConsentSignature{}, err
	}
	if len(sigs) == 0 {
		return ConsentSignature{}, problem.New(problem.NotFound, "The signature was not found.")
	}
	return sigs[0], nil
}

func (t *Tx) signatures(ctx context.Context, where string, args ...any) ([]ConsentSignature, error) {
	rows, err := t.query(ctx, `SELECT s.id, s.clinic_id, s.client_id, s.document_id, d.kind, s.version, s.typed_name, s.agreed,
		s.signed_at, s.ip, s.withdrawn_at, s.withdrawn_reason
		FROM consent_signatures s JOIN consent_documents d ON d.id = s.document_id
		WHERE `+where+` ORDER BY s.signed_at, s.id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(s *ConsentSignature) error {
		var agreed int
		var withdrawn sql.NullTime
		if err := rows.Scan(&s.ID, &s.ClinicID, &s.ClientID, &s.DocumentID, &s.Kind, &s.Version, &s.TypedName, &agreed,
			&s.SignedAt, &s.IP, &withdrawn, &s.WithdrawnReason); err != nil {
			return err
		}
		s.Agreed, s.SignedAt, s.WithdrawnAt = agreed == 1, s.SignedAt.UTC(), nullTime(withdrawn)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].WithdrawnReason, err = t.openText(ctx, withdrawBinding(out[i].ClinicID, out[i].ID), out[i].WithdrawnReason); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SignatureCounts is how many signatures each document version holds, by
// document id, for the admin's page.
func (t *Tx) SignatureCounts(ctx context.Context, clinicID string) (map[string]int, error) {
	rows, err := t.query(ctx, `SELECT document_id, COUNT(*) FROM consent_signatures WHERE clinic_id = ? GROUP BY document_id`, clinicID)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	err = eachRow(rows, func() error {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	return out, err
}
