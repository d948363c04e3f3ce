package store

import (
	"context"
	"sort"
	"strings"
	"testing"
)

// textColumnSurvey says, for every TEXT column of the schema, whether it is
// sealed (AES-256-GCM under the clinic's data key, bound to its clinic,
// table, column and row) or why it is left plain. The rule (SECURITY.md,
// "Data at rest"): every free-text or clinical-text column that no query
// needs is sealed. Ids, times, hashes and user references are left out of
// the list (plainColumnByName); TestEveryTextColumnIsSurveyed fails when a
// migration adds a TEXT column that is in neither, so each new one is
// decided. "sealed 0020" marks the columns migration 0020 sealed, whose
// values written before it are sealed at start-up (SealClearText) where
// the row may change, and read in both forms (openOrClear).
// internal/web's TestClinicalTextNeverReachesTheDisk plants a marker in
// each of those through the pages and finds it on no disk.
var textColumnSurvey = map[string]string{
	"api_tokens.name":                             "plain: the label a user gives their own token",
	"appointments.kind":                           "plain: a code, queried (the day's medicine sessions)",
	"appointments.status":                         "plain: a code, queried",
	"appointments.notes_for_client":               "sealed",
	"appointments.cancel_reason":                  "sealed",
	"article_versions.slug":                       "plain: the clinic's public articles",
	"article_versions.title":                      "plain: the clinic's public articles",
	"article_versions.description":                "plain: the clinic's public articles",
	"article_versions.body":                       "plain: the clinic's public articles",
	"article_visibility.slug":                     "plain: the clinic's public articles",
	"audit_checkpoints.signature":                 "plain: a signature over the chain",
	"audit_log.actor_kind":                        "plain: a code, filtered on",
	"audit_log.action":                            "plain: a code, filtered on",
	"audit_log.resource_type":                     "plain: a code, filtered on",
	"audit_log.outcome":                           "plain: a code, filtered on",
	"audit_log.severity":                          "plain: a code, filtered on",
	"audit_log.detail":                            "plain, and so holds nothing clinical beyond ids, counts and versions (the log is read and exported by admins and hashed as written)",
	"audit_log.hash":                              "plain: the chain",
	"calendar_feeds.token":                        "sealed",
	"clients.given_name":                          "plain: searched and sorted on (client search)",
	"clients.family_name":                         "plain: searched and sorted on (client search)",
	"clients.preferred_name":                      "plain: shown beside the searched names on every list; no more private than they",
	"clients.date_of_birth":                       "plain: searched and sorted on (client search)",
	"clients.email":                               "plain: looked up (sign-in, search by address)",
	"clients.phone":                               "plain: the chart's contact line, beside the searchable name and address; no clinical content",
	"clinic_keys.wrapped_key":                     "plain: wrapped by the master key",
	"clinic_settings.key":                         "plain: the clinic's configuration",
	"clinic_settings.value":                       "plain: the clinic's configuration (crisis text, thresholds), nobody's record",
	"clinics.short_name":                          "plain: the clinic's public details",
	"clinics.name":                                "plain: the clinic's public details",
	"clinics.time_zone":                           "plain: the clinic's public details",
	"clinics.contact_email":                       "plain: the clinic's public details",
	"clinics.contact_phone":                       "plain: the clinic's public details",
	"clinics.address":                             "plain: the clinic's public details",
	"consent_documents.kind":                      "plain: the clinic's consent templates",
	"consent_documents.title":                     "plain: the clinic's consent templates",
	"consent_documents.body":                      "plain: the clinic's consent templates",
	"consent_signatures.typed_name":               "plain: the client's own name as typed, which the clients table holds plain for search",
	"consent_signatures.withdrawn_reason":         "sealed",
	"couple_reflections.body":                     "sealed",
	"couple_reflections.prompt_key":               "plain: a prompt id",
	"couples.client_a":                            "plain: a client id",
	"couples.client_b":                            "plain: a client id",
	"data_upgrades.name":                          "plain: the name of a one-time upgrade, no one's record",
	"consent_signatures.duplicate_of":             "plain: an id",
	"courses.state":                               "plain: a code, queried (caseload)",
	"dosing_orders.route":                         "plain: a code of the order, which the gates read for many courses at once",
	"dosing_orders.notes":                         "sealed",
	"gate_overrides.reason":                       "sealed",
	"goal_reviews.outcome":                        "plain: a code, summarised across the clinic (outcomes)",
	"goal_reviews.client_words":                   "sealed",
	"goals.kind":                                  "plain: a code",
	"goals.text":                                  "sealed",
	"goals.measure":                               "plain: an instrument id",
	"goals.status":                                "plain: a code, queried",
	"goals.agreed_by_therapist":                   "plain: a user id",
	"inquiries.name":                              "sealed 0020",
	"inquiries.email":                             "sealed 0020",
	"inquiries.phone":                             "sealed 0020",
	"inquiries.message":                           "sealed",
	"inquiries.status":                            "plain: a code, filtered on",
	"inquiries.close_reason":                      "sealed 0020",
	"instrument_assignments.occasion":             "plain: a code, queried (what is due)",
	"instrument_responses.answers":                "sealed",
	"instrument_responses.band_key":               "plain: the score's band, read with the totals for charts, outcomes and gates without a key",
	"instrument_responses.tier":                   "plain: queried (a C-SSRS at the high tier holds the safety gate)",
	"intake_answers.answers":                      "sealed",
	"intake_answers.sections":                     "plain: the ids of the sections done",
	"intake_returns.note":                         "sealed",
	"integration_notes.template":                  "plain: a template id",
	"integration_notes.body":                      "sealed",
	"integration_notes.addendum_to":               "plain: an id",
	"integration_notes.joint_with":                "plain: a user id",
	"jobs.kind":                                   "plain: a code, queried",
	"jobs.key":                                    "plain: ids, for exactly-once",
	"jobs.payload":                                "plain: ids and times only (practice.mailJob)",
	"jobs.last_error":                             "plain: a mail server's answer",
	"journal_drafts.draft_key":                    "plain: a prompt id",
	"journal_drafts.body":                         "sealed",
	"journal_entries.prompt_key":                  "plain: a prompt id",
	"journal_entries.body":                        "sealed",
	"login_failures.email":                        "plain: queried (sign-in throttling)",
	"medicine_session_addenda.body":               "sealed",
	"medicine_session_adverse_events.kind":        "plain: a code of a fixed list, like a flag's kind",
	"medicine_session_adverse_events.description": "sealed",
	"medicine_session_adverse_events.severity":    "plain: a code",
	"medicine_session_adverse_events.action":      "sealed",
	"medicine_session_adverse_events.outcome":     "plain: a code",
	"medicine_session_alert_acks.alert_key":       "plain: an id, unique per record (one acknowledgement per alert)",
	"medicine_session_alert_acks.message":         "sealed 0020",
	"medicine_session_alert_acks.note":            "sealed",
	"medicine_session_observations.dissociation":  "sealed",
	"medicine_session_observations.note":          "sealed",
	"medicine_session_vitals.struck_reason":       "sealed",
	"medicine_sessions.state":                     "plain: a code, queried (sessions under way)",
	"medicine_sessions.state_reason":              "sealed",
	"medicine_sessions.companion_name":            "sealed 0020",
	"medicine_sessions.companion_phone":           "sealed 0020",
	"medicine_sessions.intention":                 "sealed",
	"medicine_sessions.route":                     "plain: a code",
	"medicine_sessions.lot_number":                "sealed 0020",
	"medicine_sessions.dose_confirm_reason":       "sealed",
	"medicine_sessions.setting_other":             "sealed 0020",
	"medicine_sessions.released_to":               "sealed 0020",
	"one_time_links.purpose":                      "plain: a code",
	"outbox.kind":                                 "plain: a code",
	"outbox.subject":                              "plain: the subjects are fixed and say nothing of anyone's care",
	"outbox.body_text":                            "sealed",
	"outbox.body_html":                            "sealed",
	"outbox.attachment":                           "plain: a file name the practice chooses",
	"practice_logs.kind":                          "plain: a practice id",
	"practice_logs.done_on":                       "plain: a date, queried",
	"practice_logs.note":                          "sealed",
	"prep_checklist.companion_name":               "sealed 0020",
	"prep_checklist.companion_phone":              "sealed 0020",
	"prep_checklist.room_note":                    "sealed 0020",
	"prep_notes.kind":                             "plain: a code",
	"prep_notes.body":                             "sealed",
	"prep_notes.addendum_to":                      "plain: an id",
	"prep_notes.joint_with":                       "plain: a user id",
	"psychotherapy_notes.body":                    "sealed",
	"rooms.name":                                  "plain: the clinic's rooms",
	"safety_flags.kind":                           "plain: a code; that a flag exists is not secret from the schema",
	"safety_flags.severity":                       "plain: a code",
	"safety_flags.reason":                         "sealed 0020",
	"safety_flags.ack_note":                       "sealed",
	"screening_decisions.kind":                    "plain: a code, read by the gates for many courses at once",
	"screening_decisions.tier":                    "plain: a code, read by the gates for many courses at once",
	"screening_decisions.rules":                   "sealed 0020",
	"screening_decisions.note":                    "sealed",
	"series_readers.email":                        "sealed",
	"throttle_windows.scope":                      "plain: a code, queried",
	"throttle_windows.subject":                    "plain: queried (an account, address or device)",
	"user_roles.role":                             "plain: a code, queried",
	"users.email":                                 "plain: looked up at sign-in",
	"users.name":                                  "plain: staff names, shown everywhere",
	"users.kind":                                  "plain: a code",
	"users.totp_secret":                           "plain: a credential, not client data (out of this survey's scope: see the README)",
	"workbook_answers.body":                       "sealed",
	"break_glass.reason":                          "sealed (from its first row)",
}

// plainColumnByName is true of the columns no survey needs: ids, user
// references, times, hashes and addresses, which hold no one's words.
func plainColumnByName(name string) bool {
	for _, suffix := range []string{"_id", "_at", "_by", "_hash"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return name == "id" || name == "by_user" || name == "ip" || name == "prev_hash"
}

// TestEveryTextColumnIsSurveyed fails when a TEXT column of the schema is
// neither in textColumnSurvey nor an id, time or hash, and when the survey
// names a column the schema no longer has.
func TestEveryTextColumnIsSurveyed(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := s.w.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND upper(p.type) = 'TEXT' ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var missing []string
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		name := table + "." + column
		seen[name] = true
		if _, ok := textColumnSurvey[name]; !ok && !plainColumnByName(column) && table != "schema_migrations" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("TEXT columns nobody decided on (add each to textColumnSurvey: sealed, or why plain): %s", strings.Join(missing, ", "))
	}
	var gone []string
	for name := range textColumnSurvey {
		if !seen[name] {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	if len(gone) > 0 {
		t.Errorf("the survey names columns the schema does not have: %s", strings.Join(gone, ", "))
	}
}
