package care

// ConsentText is a consent document as a clinic starts with it: the first
// version an admin can then edit (each edit publishes a new version).
type ConsentText struct {
	Kind     string // "kap", "couples", or a clinic's own
	Title    string
	Body     string // plain text; blank lines separate paragraphs, "## " starts a heading
	Required bool   // every client must sign it before a medicine session
}

// Kinds of the default documents.
const (
	ConsentKAP     = "kap"
	ConsentCouples = "couples"
)

// DefaultConsents are the documents every clinic starts with. The couples
// consent is not required of every client: only partners in couples work
// sign it, so it cannot block a single client's course.
func DefaultConsents() []ConsentText {
	return []ConsentText{
		{Kind: ConsentKAP, Title: "Informed consent for ketamine-assisted psychotherapy", Required: true, Body: kapConsent},
		{Kind: ConsentCouples, Title: "Consent to share in couples work", Required: false, Body: couplesConsent},
	}
}

const kapConsent = `This document explains ketamine-assisted psychotherapy (KAP) as this clinic offers it. Please read it slowly, ask us about anything that is unclear, and sign only when you feel you understand it. Signing says that you have been told these things and agree to take part; it does not oblige you to continue.

## What KAP is

KAP combines psychotherapy with a low dose of ketamine. It happens in three phases: preparation sessions with your therapist, medicine sessions in which you take ketamine with your therapist present throughout, and integration sessions afterwards, in which you make sense of the experience together.

## Off-label use

Ketamine is approved as an anaesthetic. Using it at lower doses to support psychotherapy for depression, anxiety, trauma or other concerns is "off-label": it is legal and studied, but it is not the use the medicine was approved for. A prescriber at the clinic reviews your health, decides whether it is suitable for you, and writes the dose.

## Risks and side effects

Most effects pass within a few hours of a session. Common ones are nausea and sometimes vomiting, dizziness, headache, blurred or double vision, drowsiness, and a sense of detachment from your body or surroundings (dissociation). Ketamine raises blood pressure and heart rate for a while, usually peaking around 30 to 40 minutes after the dose; we measure both before and during each session. Some people feel anxious, frightened or confused during a session, or have vivid dreamlike experiences. Less common risks include a marked rise in blood pressure, a low oxygen level, and allergic reactions. Used often and outside care, ketamine can lead to dependence and bladder problems; in a supervised course these are rare. It is not known to be safe in pregnancy or while breastfeeding.

## What happens in a medicine session

You will have fasted as we asked, and someone will be ready to take you home. We check how you are, your blood pressure, heart rate and oxygen level, and the intention you bring. You take the medicine (usually a tablet or lozenge that dissolves in your mouth, sometimes an injection), then rest lying down, usually with an eye mask and music. Your therapist stays with you the whole time and we check your blood pressure, heart rate and oxygen level at set times. You leave only when all of these are true: at least two hours have passed since the medicine was finished (the lozenge spat out, the infusion ended, the last spray given); you are fully alert; your blood pressure and heart rate are back close to your own readings from before the dose (within a fifth of them), or no higher than 140/90 with a heart rate between 50 and 100; and the companion you named is there to take you home. Do not drive, cycle, work with machinery, or make important decisions until the next day, after a night's sleep.

## Touch

We will not touch you without your consent. Before a session we will agree with you whether supportive touch is welcome at all, and if so which kinds (for example a hand on the shoulder, or holding your hand). You can change your mind at any moment, including during the session, and we will respect a "no" or a gesture that means no. Touch is never sexual. Staff may need to touch you to take a reading or in an emergency; we will say so first when we can.

## Recording

Sessions are not recorded, by sound or image, unless you agree to it in writing beforehand for a purpose we have explained. You may withdraw that agreement at any time and ask for a recording to be deleted.

## Your right to stop

Taking part is your choice. You may decline a session, stop a course, or withdraw this consent at any time, without giving a reason and without losing access to your other care here. Once a dose is taken its effects cannot be stopped at once, but we will support you until they pass.

## Confidentiality and its limits

What you share is kept confidential and stored securely. We may share information without your permission only where the law requires or allows it: if we believe you or someone else is at serious risk of harm, if a child or vulnerable adult may be at risk, or if a court orders it. We will tell you when we can.

## Emergencies

If your health becomes a concern during a session we will act at once, which may include calling emergency services. Between sessions, if you are in crisis, call or text 988 in the US, call 911, or go to your nearest emergency department, and let us know.

## Your agreement

By signing you confirm that you have read this document, had the chance to ask questions, told us truthfully about your health and medicines, and agree to take part in ketamine-assisted psychotherapy at this clinic.`

const couplesConsent = `In couples work each partner is a client in their own right, with their own screening, consent, dosing and care. This document is about what you share with each other and with us.

## What is shared

Joint preparation, medicine and integration sessions are attended by both of you. What is said in a joint session, and the notes of it, can be seen by the clinicians caring for either partner. Reflections you choose to share in the portal are visible to both of you.

## What stays private

Your individual sessions, your own notes, your questionnaires and your private journal stay private to you and your care team. We will not tell your partner what you told us alone, unless you ask us to or the law requires it.

## A caution

Medicine sessions can open strong feelings about a relationship. We ask you not to make major decisions about your relationship in the days right after a session, and to bring what comes up to an integration session instead.

## Your choice

Either of you may stop couples work, or withdraw this consent, at any time; your own care continues. By signing you agree to take part in couples work on these terms.`
