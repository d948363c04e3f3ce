package care

import "strings"

// gateSources says where each gate comes from, as CLINICAL.md tags its
// sources ([V] read in the source, [S] a secondary summary, [C] a common
// convention), so the page that applies a gate can show it beside the gate.
var gateSources = map[string]string{
	GateScreening:    "A prescriber's screening decision (CLINICAL.md §1); an approval lasts 180 days by default [C] and is renewed only by a new decision",
	GateConsent:      "Informed consent before treatment (DESIGN.md §3)",
	GateBaseline:     "Baseline PHQ-9 and GAD-7 within 14 calendar days by default (DESIGN.md §3)",
	GateDosingOrder:  "A prescriber's dosing order for the course (CLINICAL.md §2)",
	GatePreparation:  "At least one preparation session (DESIGN.md §3; 3 are usual [V R17b, R31])",
	GateRide:         "A ride or companion named with a phone number [V R7]",
	GateFasting:      "4 hours without food by default [V R39]; some clinics ask 6 [V R40a]",
	GateSubstances:   "No alcohol or other drugs for 24 hours [V R40b]",
	GateStimulants:   "Stimulants paused on the day [V R40a]",
	GateMedications:  "Interacting medicines reviewed (CLINICAL.md §1 [V R10, R21, R23])",
	GateIntention:    "An intention recorded (DESIGN.md §3)",
	GateBP:           "Above 140/90 a prescriber confirms [S R8]; above 180/100 no dose today [V R12]; taken within the 60 minutes before the dose by default (CLINICAL.md §3)",
	GateVitals:       "Heart rate and SpO2 lines default to the session's alert lines, 120 and 92% [C]; taken within the 60 minutes before the dose by default (CLINICAL.md §3)",
	GateSafetyFlags:  "An open suicide-risk flag blocks the dose until a clinician acknowledges it [V R46a, R16]",
	GateJointCouple:  "Couples work: the two partners linked as a couple (CLINICAL.md §5)",
	GateJointConsent: "Couples work: the couples consent, signed by both partners before any joint session (CLINICAL.md §5)",
	GateJointPartner: "Couples work: each partner passes their own gates; dosing one at a time or both together [S R58b, V R58c]",
	GateCSSRSHigh:    "A high C-SSRS result calls for immediate evaluation [V R46a]; suicidal intent or plan is a reason not to treat [V R16]",
}

// Source is where the gate comes from, for the page to show beside it.
func Source(gateID string) string {
	if strings.HasPrefix(gateID, ConsentGatePrefix) {
		gateID = GateConsent
	}
	if strings.HasPrefix(gateID, GateJointConsent+":") {
		gateID = GateJointConsent
	}
	return gateSources[gateID]
}
