// Package measures holds the standard instruments Doorway asks clients to
// complete (PHQ-9, GAD-7, PCL-5, QIDS-SR16 and the C-SSRS screener), defined
// as data, with their scoring, severity bands, safety flags, change-over-time
// figures and the schedule that says which are due. Everything here is pure:
// no database, no HTTP, no templates, no clock (callers pass "now").
//
// # Instruments
//
// Item wording, options, LOINC codes and licence notices follow
// ../shared/INSTRUMENTS.md; bands and thresholds follow CLINICAL.md §4. An
// item's Key is its FHIR linkId: the LOINC item code where one is confirmed,
// otherwise "<instrument id>.<number>" (pcl5.1, qids_sr16.12). Items whose
// displayed text INSTRUMENTS.md marks unverified have Verified false, and each
// instrument lists its open points in Caveats. The C-SSRS screener (both
// versions) and QIDS-SR16 ship with DefaultEnabled false: their terms for
// electronic use are restrictive or unconfirmed, so a clinic switches them on.
//
// # Scoring
//
// Score takes the item answers (item key to option score) and recomputes
// everything from them; a total is never accepted from outside. Validation
// rejects, naming the item in problem.Error.Field: unknown keys, scores that
// are not one of the item's options, answers to items the skip logic does not
// ask (rejected, not ignored: see Validate), and missing answers to items that
// are asked. Unscored "how difficult" items (PHQ-9 item 10, GAD-7's last
// item) may be left blank. QIDS-SR16 items 6–9 may be blank as long as one of
// 6/7 and one of 8/9 is answered, as the form directs.
//
// Safety flags: PHQ-9 item 9 above 0 and QIDS-SR16 item 12 above 0 raise a
// suicide-risk flag of high severity whatever the total; a C-SSRS high tier
// raises an urgent one and a moderate tier a high one.
//
// # Schedule
//
// DueNow lists, for one course, the instruments due at a given time. For each
// rule of the Protocol, the occasions below are considered; an occasion is
// satisfied by any administration of that instrument inside its window.
//
//   - Baseline (phases intake, screening, preparation, active): falls due at
//     the course start; satisfied by any administration at or after the start;
//     deadline the start plus Grace, or the first medicine session if sooner.
//   - Before each medicine session (phases preparation, active): opens
//     SessionLead before the session; satisfied by an administration between
//     then and the session; deadline the session.
//   - Repeat, e.g. weekly (phase active): falls due Every after the latest
//     administration of the instrument (any occasion; the course start if none);
//     deadline Grace later. So a pre-session PHQ-9 also resets the weekly clock.
//   - Course end (phases active, completed, maintenance, when an end is set):
//     opens CourseEndLead before the end; satisfied by an administration after
//     it opens; deadline the end plus Grace.
//
// Nothing is due in other phases (inquiry, paused, declined). One
// administration closes every open occasion of its instrument, so at most one
// Due is listed per instrument: the one with the earliest deadline (ties:
// baseline, before session, course end, repeat). A Due is Overdue once now is
// past its deadline. The list is ordered by deadline.
package measures
