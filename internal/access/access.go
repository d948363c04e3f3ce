// Package access makes the one decision that every page, API route and
// export asks before touching client data: may this principal do this action
// on this resource? It is pure: the caller loads the facts (the principal's
// roles, the resource's clinic and care team) and this package decides. Deny
// is the default: a resource type or action it does not know is refused.
package access

import "time"

// Kind is who is asking.
type Kind string

const (
	Anonymous Kind = "anonymous"
	Staff     Kind = "staff"
	Client    Kind = "client"
)

// Role is a staff role.
type Role string

const (
	Admin      Role = "admin"
	Therapist  Role = "therapist"
	Prescriber Role = "prescriber"
)

// Principal is a signed-in person (or nobody). A disabled account or an
// expired session never becomes a principal other than Anonymous.
type Principal struct {
	Kind     Kind
	UserID   string
	ClinicID string
	Roles    []Role
	// ClientID is the client record of a client principal.
	ClientID string
}

// Has reports whether the principal holds a staff role.
func (p Principal) Has(r Role) bool {
	if p.Kind != Staff {
		return false
	}
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Action is what the principal wants to do.
type Action string

const (
	Read   Action = "read"
	Write  Action = "write"
	List   Action = "list"
	Export Action = "export"
)

// Type is the kind of resource.
type Type string

const (
	// ClinicSettings, StaffAccounts and AuditLog are the admin's.
	ClinicSettings Type = "clinic_settings"
	StaffAccounts  Type = "staff_accounts"
	AuditLog       Type = "audit_log"
	// ClientList is the clinic's list of clients (filtered to care teams by the caller).
	ClientList Type = "client_list"
	// ClientRecord is a client's chart and everything clinical in it.
	ClientRecord Type = "client_record"
	// CareTeam is who is assigned to a client; only admins change it.
	CareTeam Type = "care_team"
	// ClientPortal is what the client does in their own portal.
	ClientPortal Type = "client_portal"
	// PrescriberOrder is a clinical decision only a prescriber on the care team makes.
	PrescriberOrder Type = "prescriber_order"
	// PsychotherapyNote is a clinician's private process note: its author
	// only, while on the client's care team.
	PsychotherapyNote Type = "psychotherapy_note"
	// JournalEntry is the client's; staff on the care team see it only once shared.
	JournalEntry Type = "journal_entry"
	// OwnAccount is the principal's own profile, second factor and API tokens.
	OwnAccount Type = "own_account"
	// SafetyFlag is a suicide-risk flag raised by a client's answers. The care
	// team reads it like the record; only a clinician (therapist or
	// prescriber) on the team, or a clinician who is also an admin,
	// acknowledges it, since that is a clinical judgement.
	SafetyFlag Type = "safety_flag"
	// ClinicOutcomes is the clinic's de-identified outcomes summary: the admin's.
	ClinicOutcomes Type = "clinic_outcomes"
	// ClinicalCare is the care team's clinical work on a course: moving it
	// between phases, preparation notes, goals. It reads like the record;
	// only a clinician (therapist or prescriber) on the care team writes it,
	// since an admin without a clinical role is not treating the client.
	ClinicalCare Type = "clinical_care"
	// BreakGlass is emergency access to a client's record: any clinician
	// (therapist or prescriber) of the clinic opens one (Write), with a
	// reason, for a client whose care team they are not on; admins list
	// and review them (Read, List).
	BreakGlass Type = "break_glass"
	// Inquiries are messages from the public inquiry form. They are not yet
	// client records: any staff member of the clinic (therapist, prescriber
	// or admin) reads, converts and closes them.
	Inquiries Type = "inquiries"
	// Couple is two clients in couples work (CLINICAL.md §5): ClientID and
	// CareTeam are one partner's, PartnerID and PartnerTeam the other's.
	// Either partner reads it; staff on either partner's care team read it
	// (what the joint work shares), and admins. Linking or ending it
	// changes both partners' care: an admin, or a clinician on both care
	// teams; each partner may leave it themself.
	Couple Type = "couple"
	// SharedReflection is a couple's shared reflection space: the two
	// partners' own writing, read and written by both of them only. Staff
	// see none of it, as they see none of a journal the client keeps.
	SharedReflection Type = "shared_reflection"
)

// Resource is what is being acted on, with the facts the decision needs.
type Resource struct {
	Type     Type
	ClinicID string
	// ClientID is the client the resource belongs to, if any.
	ClientID string
	// CareTeam lists the staff user ids on that client's care team.
	CareTeam []string
	// OwnerID is the author of a note or the user of an account.
	OwnerID string
	// Shared is true for a journal entry the client chose to share.
	Shared bool
	// PartnerID and PartnerTeam are the other partner of a Couple and
	// their care team.
	PartnerID   string
	PartnerTeam []string
	// BreakGlass lists the emergency grants on the client's record, and At
	// is the moment of the decision, which a grant must not have outlived.
	BreakGlass []Grant
	At         time.Time
}

// Grant is a break-glass grant: until Until, UserID (a clinician) reads the
// client's record as if on the care team. It never lets them write.
type Grant struct {
	UserID string
	Until  time.Time
}

// glassOpen reports whether the user holds a grant that has not expired at
// the moment of the decision; with no moment given, none is open.
func (r Resource) glassOpen(userID string) bool {
	if r.At.IsZero() {
		return false
	}
	for _, g := range r.BreakGlass {
		if g.UserID == userID && r.At.Before(g.Until) {
			return true
		}
	}
	return false
}

// Allow is the one decision.
func Allow(p Principal, a Action, r Resource) bool {
	if p.Kind == Anonymous || p.UserID == "" {
		return false
	}
	if r.Type == OwnAccount {
		return r.OwnerID == p.UserID
	}
	// Nothing crosses between clinics.
	if r.ClinicID == "" || r.ClinicID != p.ClinicID {
		return false
	}
	switch p.Kind {
	case Client:
		return allowClient(p, a, r)
	case Staff:
		return allowStaff(p, a, r)
	}
	return false
}

func allowClient(p Principal, a Action, r Resource) bool {
	own := p.ClientID != "" && r.ClientID == p.ClientID
	partner := p.ClientID != "" && r.PartnerID == p.ClientID
	switch r.Type {
	case Couple, SharedReflection:
		return own || partner
	case ClientPortal, JournalEntry:
		return own
	case ClientRecord:
		// Clients read and export their own record (not psychotherapy notes,
		// which are a separate type).
		return own && (a == Read || a == Export)
	}
	return false
}

func allowStaff(p Principal, a Action, r Resource) bool {
	admin := p.Has(Admin)
	clinician := p.Has(Therapist) || p.Has(Prescriber)
	onTeam := contains(r.CareTeam, p.UserID)
	// readsAsTeam is care-team membership for reading: a clinician's open
	// break-glass grant counts, for reads only, until it expires.
	readsAsTeam := onTeam || (a == Read && clinician && r.glassOpen(p.UserID))
	switch r.Type {
	case ClinicSettings, StaffAccounts, AuditLog, ClinicOutcomes:
		return admin
	case ClientList:
		return a == List && (admin || clinician)
	case Inquiries:
		return admin || clinician
	case BreakGlass:
		if a == Write {
			return clinician
		}
		return admin && (a == Read || a == List)
	case ClientRecord:
		if a == Read {
			return admin || readsAsTeam
		}
		return admin || onTeam
	case CareTeam:
		if a == Write {
			return admin
		}
		return admin || readsAsTeam
	case PrescriberOrder:
		if a == Write {
			return p.Has(Prescriber) && onTeam
		}
		return admin || readsAsTeam
	case SafetyFlag:
		if a == Write {
			return clinician && (onTeam || admin)
		}
		return admin || readsAsTeam
	case ClinicalCare:
		if a == Write {
			return clinician && onTeam
		}
		return admin || readsAsTeam
	case PsychotherapyNote:
		// HIPAA's process notes are a mental health professional's: an
		// admin without a clinical role keeps none, even on a care team.
		return r.OwnerID == p.UserID && onTeam && clinician
	case JournalEntry:
		return a == Read && r.Shared && readsAsTeam
	case Couple:
		onPartnerTeam := contains(r.PartnerTeam, p.UserID)
		if a == Write {
			return admin || (clinician && onTeam && onPartnerTeam)
		}
		return admin || onTeam || onPartnerTeam
	}
	return false
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
