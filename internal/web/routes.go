package web

import (
	"errors"
	"net/http"
	"net/url"

	"doorway/internal/access"
)

// Gate is the coarse check a route makes before its handler runs. The fine
// check (this client, this care team) is the use case's, in internal/practice.
type Gate int

const (
	Public     Gate = iota // anyone
	Pending                // a session between password and second factor
	SignedIn               // any signed-in user
	StaffOnly              // staff of any role
	ClientOnly             // a client in their portal
)

// Route is one page route. The table is the source of truth for the router
// and for the access-matrix test.
type Route struct {
	Method  string
	Pattern string
	Gate    Gate
	handler http.HandlerFunc
}

func (s *Server) routeTable() []Route {
	routes := []Route{
		{"GET", "/{$}", Public, s.showStart},
		{"GET", "/healthz", Public, s.healthz},
		{"GET", "/readyz", Public, s.readyz},
		{"GET", "/login", Public, s.showLogin},
		{"POST", "/login", Public, s.doLogin},
		{"POST", "/logout", Public, s.doLogout},
		{"GET", "/forgot", Public, s.showForgot},
		{"POST", "/forgot", Public, s.doForgot},
		{"GET", "/invite/{token}", Public, s.showSetPassword},
		{"POST", "/invite/{token}", Public, s.doSetPassword},
		{"GET", "/reset/{token}", Public, s.showSetPassword},
		{"POST", "/reset/{token}", Public, s.doSetPassword},

		{"GET", "/login/code", Pending, s.showCode},
		{"POST", "/login/code", Pending, s.doCode},
		{"GET", "/login/setup", Pending, s.showEnrol},
		{"POST", "/login/setup", Pending, s.doEnrol},

		{"GET", "/home", SignedIn, s.home},
		{"GET", "/account", SignedIn, s.showAccount},
		{"POST", "/account/password", SignedIn, s.doChangePassword},
		{"GET", "/account/2fa", SignedIn, s.showEnrol},
		{"POST", "/account/2fa", SignedIn, s.doEnrol},
		{"POST", "/account/recovery-codes", SignedIn, s.doNewRecoveryCodes},
		{"POST", "/account/tokens", SignedIn, s.doCreateToken},
		{"POST", "/account/tokens/{id}/revoke", SignedIn, s.doRevokeToken},

		{"GET", "/caseload", StaffOnly, s.showCaseload},
		{"GET", "/clients/new", StaffOnly, s.showNewClient},
		{"POST", "/clients", StaffOnly, s.doCreateClient},
		{"GET", "/clients/{id}", StaffOnly, s.showClient},
		{"POST", "/clients/{id}/invite", StaffOnly, s.doInviteClient},
		{"POST", "/clients/{id}/details", StaffOnly, s.doClientDetails},
		{"POST", "/clients/{id}/care-team", StaffOnly, s.doCareTeam},
		{"GET", "/clients/{id}/couple", StaffOnly, s.showCouple}, // couples.go
		{"GET", "/schedule/{appt}/joint", StaffOnly, s.showJointSession},
		{"POST", "/clients/{id}/couple", StaffOnly, s.doLinkCouple},
		{"POST", "/clients/{id}/couple/end", StaffOnly, s.doEndCouple},

		// Measurement-based care, the care team's side.
		{"POST", "/clients/{id}/assignments", StaffOnly, s.doAssign},
		{"POST", "/clients/{id}/flags/{flag}/acknowledge", StaffOnly, s.doAckFlag},
		{"GET", "/clients/{id}/measures/{instrument}", StaffOnly, s.showTrends},
		{"GET", "/clients/{id}/measures/{instrument}/paper", StaffOnly, s.showPaperForm},
		{"POST", "/clients/{id}/measures/{instrument}/paper", StaffOnly, s.doPaperSubmit},
		{"GET", "/clients/{id}/measures.pdf", StaffOnly, s.showMeasuresPDF},

		{"GET", "/admin/staff", StaffOnly, s.showStaff},
		{"POST", "/admin/staff", StaffOnly, s.doInviteStaff},
		{"GET", "/admin/staff/{id}", StaffOnly, s.showStaffMember},
		{"POST", "/admin/staff/{id}/roles", StaffOnly, s.doStaffRoles},
		{"POST", "/admin/staff/{id}/disable", StaffOnly, s.doStaffDisable},
		{"POST", "/admin/staff/{id}/enable", StaffOnly, s.doStaffEnable},
		{"POST", "/admin/staff/{id}/reset", StaffOnly, s.doStaffReset},
		{"GET", "/admin/settings", StaffOnly, s.showSettings},
		{"POST", "/admin/settings", StaffOnly, s.doSettings},
		{"GET", "/admin/audit", StaffOnly, s.showAudit},
		{"GET", "/admin/audit.csv", StaffOnly, s.exportAudit},
		{"GET", "/admin/measures", StaffOnly, s.showMeasureSettings},
		{"POST", "/admin/measures", StaffOnly, s.doMeasureSettings},
		{"GET", "/admin/outcomes", StaffOnly, s.showOutcomes},
		{"GET", "/admin/outcomes.csv", StaffOnly, s.exportOutcomes},

		{"GET", "/portal", ClientOnly, s.showPortal},
		{"GET", "/portal/access", ClientOnly, s.showAccessLog},
		{"GET", "/portal/couple", ClientOnly, s.showSharedSpace}, // couples.go
		{"POST", "/portal/couple/reflections", ClientOnly, s.doSharedReflection},
		{"POST", "/portal/couple/leave", ClientOnly, s.doLeaveCouples},
		{"GET", "/portal/progress", ClientOnly, s.showProgress},
		{"GET", "/portal/measures/{instrument}", ClientOnly, s.showMeasureForm},
		{"POST", "/portal/measures/{instrument}", ClientOnly, s.doMeasureSubmit},
	}
	// Features that own their routes add them here, one line each.
	routes = append(routes, s.scheduleRoutes()...)        // schedule.go
	routes = append(routes, s.preparationRoutes()...)     // preparation.go
	routes = append(routes, s.frontDoorRoutes()...)       // front_door.go, intake.go
	routes = append(routes, s.sessionRulesRoutes()...)    // session_rules_admin.go
	routes = append(routes, s.medicineSessionRoutes()...) // medicine_session.go
	routes = append(routes, s.sessionPDFRoutes()...)      // session_pdf.go
	routes = append(routes, s.journalRoutes()...)         // journal.go
	routes = append(routes, s.seriesRoutes()...)          // articles.go, articles_admin.go, workbook.go
	routes = append(routes, s.workbookRoutes()...)        // workbook_portal.go
	routes = append(routes, s.practicesRoutes()...)       // practices.go
	routes = append(routes, s.recordExportRoutes()...)    // record_export.go
	routes = append(routes, s.notificationRoutes()...)    // notifications.go
	routes = append(routes, s.outboxRoutes()...)          // outbox.go
	routes = append(routes, s.seriesMailRoutes()...)      // series.go
	routes = append(routes, s.integrationNoteRoutes()...) // integration_notes.go, psychotherapy_notes.go, course_review.go
	routes = append(routes, s.breakGlassRoutes()...)      // break_glass.go
	return routes
}

// guard applies a route's Gate before its handler.
func (s *Server) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := viewerOf(r.Context())
		switch rt.Gate {
		case Public:
		case Pending:
			if v.P.Kind == access.Anonymous {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			if !v.PendingMFA {
				http.Redirect(w, r, "/home", http.StatusSeeOther)
				return
			}
		default:
			if v.P.Kind == access.Anonymous {
				next := "/login"
				if r.Method == http.MethodGet {
					next += "?next=" + url.QueryEscape(r.URL.RequestURI())
				}
				http.Redirect(w, r, next, http.StatusSeeOther)
				return
			}
			if v.PendingMFA {
				http.Redirect(w, r, s.pendingPage(v), http.StatusSeeOther)
				return
			}
			if (rt.Gate == StaffOnly && v.P.Kind != access.Staff) || (rt.Gate == ClientOnly && v.P.Kind != access.Client) {
				s.deny(w, r, "route", rt.Pattern)
				return
			}
		}
		if err := checkParams(r); err != nil {
			if errors.Is(err, errTooLarge) {
				s.tooLarge(w, r)
				return
			}
			s.fail(w, r, err)
			return
		}
		rt.handler(w, r)
	})
}

// pendingPage is where a half-signed-in session must go next.
func (s *Server) pendingPage(v *viewer) string {
	if v.MustEnrol || v.User.TOTPEnabledAt == nil {
		return "/login/setup"
	}
	return "/login/code"
}
